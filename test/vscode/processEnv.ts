// Environment variables set for a suite run in the extension host (the process the extension reads them in),
// and put back as they were afterwards.

/** Sets each variable (undefined: removes it); returns what puts every one back as it was. */
export function setProcessEnv(vars: Record<string, string | undefined>): () => void {
  const saved = Object.entries(vars).map(([k, v]) => {
    const before = process.env[k];
    put(k, v);
    return [k, before] as const;
  });
  return () => {
    for (const [k, v] of saved) put(k, v);
  };
}

function put(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
