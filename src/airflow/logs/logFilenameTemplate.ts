// Renders Airflow's `[logging] log_filename_template` the way FileTaskHandler does, with a small, safe subset of
// Jinja: `{{ name.attr|default(x)|replace('a', 'b') }}`, `{% if a >= 0 %}…{% else %}…{% endif %}` on simple
// comparisons, and the older `str.format` style (`{dag_id}/{try_number}.log`). Nothing is executed.

/** Airflow 2.3–2.11's default log_filename_template. */
export const AIRFLOW2_LOG_FILENAME_TEMPLATE =
  'dag_id={{ ti.dag_id }}/run_id={{ ti.run_id }}/task_id={{ ti.task_id }}/' +
  '{% if ti.map_index >= 0 %}map_index={{ ti.map_index }}/{% endif %}attempt={{ try_number }}.log';

/** Airflow 3's default log_filename_template (config.yml). */
export const AIRFLOW3_LOG_FILENAME_TEMPLATE =
  'dag_id={{ ti.dag_id }}/run_id={{ ti.run_id }}/task_id={{ ti.task_id }}/' +
  '{% if ti.map_index >= 0 %}map_index={{ ti.map_index }}/{% endif %}' +
  'attempt={{ try_number|default(ti.try_number) }}.log';

/** What a template is rendered for. */
export interface LogTemplateContext {
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  /** The try whose log is wanted. */
  tryNumber: number;
  /** The run's logical date (ISO-8601), needed only by templates that use `ts`, `ds` or `execution_date`. */
  logicalDate?: string | null;
}

/** A template XCom Lens cannot render, naming the part and why. */
export class LogTemplateError extends Error {
  override name = 'LogTemplateError';
}

type Value = string | number | boolean | null | undefined | { [key: string]: Value };

const DATE_NAMES = new Set(['ts', 'ds', 'ds_nodash', 'ts_nodash', 'execution_date', 'logical_date']);

/** The names a template may use: Airflow's template context as far as a log file name needs it. */
function variables(context: LogTemplateContext): Record<string, Value> {
  const ti = {
    dag_id: context.dagId,
    run_id: context.runId,
    task_id: context.taskId,
    map_index: context.mapIndex,
    try_number: context.tryNumber,
  };
  const vars: Record<string, Value> = { ti, task_instance: ti, try_number: context.tryNumber };
  vars.dag_id = context.dagId;
  vars.run_id = context.runId;
  vars.task_id = context.taskId;
  vars.map_index = context.mapIndex;
  if (context.logicalDate) {
    const date = new Date(context.logicalDate);
    if (!Number.isNaN(date.getTime())) {
      // Python's datetime.isoformat() of an aware UTC datetime: seconds, microseconds only when non-zero, +00:00.
      const ms = date.getUTCMilliseconds();
      const base = date.toISOString().slice(0, 19);
      const ts = `${base}${ms ? `.${String(ms * 1000).padStart(6, '0')}` : ''}+00:00`;
      vars.ts = ts;
      vars.execution_date = ts;
      vars.logical_date = ts;
      vars.ds = base.slice(0, 10);
      vars.ds_nodash = base.slice(0, 10).replace(/-/g, '');
      vars.ts_nodash = base.replace(/[-:]/g, '');
    }
  }
  return vars;
}

function describe(part: string): string {
  return part.length > 60 ? `${part.slice(0, 57)}…` : part;
}

/** Splits a template into text, `{{ … }}` and `{% … %}` parts. */
function tokens(template: string): Array<{ kind: 'text' | 'expr' | 'tag'; body: string; raw: string }> {
  const out: Array<{ kind: 'text' | 'expr' | 'tag'; body: string; raw: string }> = [];
  const re = /\{\{-?([\s\S]*?)-?\}\}|\{%-?([\s\S]*?)-?%\}|\{#[\s\S]*?#\}/g;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    if (m.index > last) out.push({ kind: 'text', body: template.slice(last, m.index), raw: '' });
    if (m[1] !== undefined) out.push({ kind: 'expr', body: m[1].trim(), raw: m[0] });
    else if (m[2] !== undefined) out.push({ kind: 'tag', body: m[2].trim(), raw: m[0] });
    last = re.lastIndex;
  }
  if (last < template.length) out.push({ kind: 'text', body: template.slice(last), raw: '' });
  return out;
}

/** A tiny expression reader: literals, dotted names, filters, comparisons, `not`. */
class Expression {
  private at = 0;
  private readonly parts: string[];

  constructor(
    source: string,
    private readonly raw: string,
    private readonly vars: Record<string, Value>,
  ) {
    this.parts =
      source.match(/\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\d+(?:\.\d+)?|[A-Za-z_]\w*|>=|<=|==|!=|[<>|().,]|\S)/g) ??
      [];
    this.parts = this.parts.map((p) => p.trim());
  }

  private fail(why: string): never {
    throw new LogTemplateError(`The log file name template part "${describe(this.raw)}" ${why}.`);
  }

  private peek(): string | undefined {
    return this.parts[this.at];
  }

  private next(): string {
    const part = this.parts[this.at++];
    if (part === undefined) this.fail('ends too early');
    return part;
  }

  /** The value of the whole expression. */
  value(): Value {
    const v = this.condition();
    if (this.peek() !== undefined) this.fail(`uses "${this.peek()}", which XCom Lens does not render`);
    return v;
  }

  condition(): Value {
    if (this.peek() === 'not') {
      this.next();
      return !truthy(this.condition());
    }
    const left = this.filtered();
    const op = this.peek();
    if (op && ['>=', '<=', '==', '!=', '<', '>'].includes(op)) {
      this.next();
      return compare(left, op, this.filtered());
    }
    return left;
  }

  private filtered(): Value {
    let v = this.primary();
    while (this.peek() === '|') {
      this.next();
      const name = this.next();
      const args: Value[] = [];
      if (this.peek() === '(') {
        this.next();
        while (this.peek() !== ')') {
          args.push(this.filtered());
          if (this.peek() === ',') this.next();
          else if (this.peek() !== ')') this.fail('has a filter argument list XCom Lens cannot read');
        }
        this.next();
      }
      v = this.filter(name, v, args);
    }
    return v;
  }

  private filter(name: string, v: Value, args: Value[]): Value {
    switch (name) {
      case 'default':
      case 'd':
        return v === undefined || (args[1] === true && !truthy(v)) ? args[0] : v;
      case 'replace':
        return text(v).split(text(args[0])).join(text(args[1]));
      case 'lower':
        return text(v).toLowerCase();
      case 'upper':
        return text(v).toUpperCase();
      case 'string':
        return text(v);
      case 'int':
        return Number.parseInt(text(v), 10);
      default:
        return this.fail(`uses the filter "${name}", which XCom Lens does not render`);
    }
  }

  private primary(): Value {
    const part = this.next();
    if (part === '(') {
      const v = this.condition();
      if (this.next() !== ')') this.fail('has an unclosed "("');
      return v;
    }
    if (/^['"]/.test(part)) return part.slice(1, -1).replace(/\\(.)/g, '$1');
    if (/^\d/.test(part)) return Number(part);
    if (part === '-' && /^\d/.test(this.peek() ?? '')) return -Number(this.next());
    if (part === 'true' || part === 'True') return true;
    if (part === 'false' || part === 'False') return false;
    if (part === 'none' || part === 'None') return null;
    if (!/^[A-Za-z_]\w*$/.test(part)) this.fail(`uses "${part}", which XCom Lens does not render`);
    let v: Value;
    if (part in this.vars) v = this.vars[part];
    else if (DATE_NAMES.has(part))
      this.fail(`uses "${part}", which needs the run's logical date: open the log from the run's task instance`);
    else v = undefined;
    let path = part;
    while (this.peek() === '.') {
      this.next();
      const attr = this.next();
      path += `.${attr}`;
      if (v && typeof v === 'object' && attr in v) v = v[attr];
      else if (this.peek() === '(') this.fail(`calls "${path}(…)": templates that call functions are not rendered`);
      else this.fail(`uses "${path}", which XCom Lens does not know`);
    }
    if (this.peek() === '(') this.fail(`calls "${path}(…)": templates that call functions are not rendered`);
    return v;
  }
}

function truthy(v: Value): boolean {
  return v !== undefined && v !== null && v !== false && v !== 0 && v !== '';
}

function text(v: Value): string {
  if (v === undefined || v === null) return v === null ? 'None' : '';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return typeof v === 'object' ? '' : String(v);
}

function compare(a: Value, op: string, b: Value): boolean {
  const x = typeof a === 'object' ? text(a) : a;
  const y = typeof b === 'object' ? text(b) : b;
  switch (op) {
    case '==':
      return x === y;
    case '!=':
      return x !== y;
    default: {
      if (x === undefined || x === null || y === undefined || y === null) return false;
      if (op === '>=') return x >= y;
      if (op === '<=') return x <= y;
      return op === '>' ? x > y : x < y;
    }
  }
}

/** The older `str.format` style Airflow still accepts when a template holds no `{{`. */
function renderFormatStyle(template: string, vars: Record<string, Value>): string {
  return template.replace(/\{(\w*)\}|\{\{|\}\}/g, (m, name: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const key = name === 'execution_date' ? 'execution_date' : (name ?? '');
    if (!(key in vars)) {
      if (DATE_NAMES.has(key))
        throw new LogTemplateError(
          `The log file name template part "${m}" needs the run's logical date: open the log from the run's task instance.`,
        );
      throw new LogTemplateError(`The log file name template part "${m}" names nothing XCom Lens knows.`);
    }
    return text(vars[key]);
  });
}

/** The relative log path a template gives for one try of a task instance; throws a LogTemplateError it cannot render. */
export function renderLogFilename(template: string, context: LogTemplateContext): string {
  const vars = variables(context);
  if (!template.includes('{{') && !template.includes('{%')) return renderFormatStyle(template, vars);
  // One frame per open `if`: whether its branch is being written, and whether any branch was taken.
  const stack: Array<{ parentOn: boolean; on: boolean; taken: boolean; raw: string }> = [];
  let out = '';
  const on = () => stack.every((f) => f.on);
  for (const token of tokens(template)) {
    if (token.kind === 'text') {
      if (on()) out += token.body;
      continue;
    }
    if (token.kind === 'expr') {
      if (on()) out += text(new Expression(token.body, token.raw, vars).value());
      continue;
    }
    const [, keyword = '', rest = ''] = /^(\w+)\s*([\s\S]*)$/.exec(token.body) ?? [];
    if (keyword === 'if') {
      const parentOn = on();
      const value = parentOn ? truthy(new Expression(rest, token.raw, vars).value()) : false;
      stack.push({ parentOn, on: value, taken: value, raw: token.raw });
    } else if (keyword === 'elif' || keyword === 'else') {
      const frame = stack.at(-1);
      if (!frame) throw new LogTemplateError(`The log file name template part "${token.raw}" has no {% if %}.`);
      const value =
        !frame.taken && frame.parentOn
          ? keyword === 'else' || truthy(new Expression(rest, token.raw, vars).value())
          : false;
      frame.on = value;
      frame.taken ||= value;
    } else if (keyword === 'endif') {
      if (!stack.pop()) throw new LogTemplateError(`The log file name template part "${token.raw}" has no {% if %}.`);
    } else {
      throw new LogTemplateError(
        `The log file name template part "${describe(token.raw)}" uses {% ${keyword} %}, which XCom Lens does not render: ` +
          'set xcomLens.logs.filenameTemplate to a template with variables, filters and {% if %} only.',
      );
    }
  }
  if (stack.length) throw new LogTemplateError(`The log file name template part "${stack[0].raw}" has no {% endif %}.`);
  return out;
}
