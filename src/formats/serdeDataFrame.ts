// Airflow serde's pandas DataFrame wrapper, `{__classname__, __version__, __data__: '<hex of a Parquet file>'}`: the
// class names Airflow writes, and a cheap check of the hex (characters, PAR1 marks, a footer pandas could read)
// that the tree makes before it calls the value a Parquet DataFrame of some size. The grid decodes it in full.
import { parquetMetadata } from 'hyparquet';

/** Class names serde writes for a DataFrame: the module path, and `pandas.DataFrame` from Airflow 3.3 on. */
const DATAFRAME_CLASSES: ReadonlySet<string> = new Set(['pandas.core.frame.DataFrame', 'pandas.DataFrame']);

/** True for a serde class name of a pandas DataFrame. */
export function isDataFrameClass(classname: unknown): boolean {
  return typeof classname === 'string' && DATAFRAME_CLASSES.has(classname);
}

/** True for a serde DataFrame wrapper (whatever its `__data__` holds). */
export function isSerdeDataFrame(value: unknown): value is { __classname__: string; __data__: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    '__data__' in value &&
    isDataFrameClass((value as { __classname__?: unknown }).__classname__)
  );
}

/** The message for a DataFrame wrapper whose Parquet bytes cannot be read, with the reason. */
export function corruptDataFrameMessage(problem: string): string {
  return `The XCom holds a pandas DataFrame serialised as Parquet, but its bytes are corrupt: ${problem}.`;
}

const PAR1 = '50415231';
/** Largest footer checked by the tree (bigger ones are left to the grid's full read). */
const MAX_CHECKED_FOOTER_BYTES = 1024 * 1024;

/**
 * Why the hex of a serde DataFrame cannot be a readable Parquet file, or undefined when it can: the hex itself,
 * the PAR1 marks, and the footer (its length, its Thrift structure, and column chunks inside the file).
 */
export function parquetHexProblem(hex: unknown): string | undefined {
  if (typeof hex !== 'string' || hex.length === 0) return 'it holds no data';
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return 'its data is not hexadecimal text';
  const size = hex.length / 2;
  if (size < 12 || hex.slice(0, 8).toLowerCase() !== PAR1 || hex.slice(-8).toLowerCase() !== PAR1)
    return 'its data is not a Parquet file (no PAR1 marks at both ends)';
  const lengthBytes = Buffer.from(hex.slice(-16, -8), 'hex');
  const footerLength = lengthBytes.readUInt32LE(0);
  if (footerLength > size - 12)
    return `its Parquet footer claims ${footerLength} bytes but the file holds only ${size} (the data is cut short)`;
  if (footerLength > MAX_CHECKED_FOOTER_BYTES) return undefined;
  const footer = Buffer.from(hex.slice(-(footerLength + 8) * 2), 'hex');
  let metadata: ReturnType<typeof parquetMetadata>;
  try {
    metadata = parquetMetadata(Uint8Array.from(footer));
  } catch (error) {
    return `its Parquet footer cannot be read (${parquetReason(error)})`;
  }
  const dataEnd = size - footerLength - 8;
  for (const group of metadata.row_groups ?? []) {
    for (const chunk of group.columns ?? []) {
      const meta = chunk.meta_data;
      if (!meta) continue;
      const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      const end = start + Number(meta.total_compressed_size);
      if (!(start >= 4 && end <= dataEnd))
        return 'its Parquet footer points past the end of the data (the data is cut short)';
    }
  }
  return undefined;
}

/** A Parquet reader's error as words: a read past the end of a buffer or a missing field means garbled bytes. */
export function parquetReason(error: unknown): string {
  if (error instanceof RangeError || error instanceof TypeError)
    return 'its structures are cut short or garbled, so they point outside the data';
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^parquet /i, '') || 'unreadable Parquet structures';
}
