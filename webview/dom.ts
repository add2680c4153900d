// Small DOM builders: every text goes in through textContent, never innerHTML.

/** A new element of `tag` with an optional class and text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A VS Code button (secondary unless told) that runs `onClick`. */
export function button(label: string, title: string, onClick: () => void, secondary = true): HTMLElement {
  const b = document.createElement('vscode-button');
  b.textContent = label;
  b.title = title;
  if (secondary) b.setAttribute('secondary', '');
  b.addEventListener('click', onClick);
  return b;
}

/** Thousands with separators, e.g. 12,345. */
export function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** `fn` run once `ms` after the last of a burst of calls. */
export function debounce(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

/**
 * `fn` run at once when it has not run in the last `ms`, else once when that time is up: the first change of a
 * burst takes effect at once, and the last one at most `ms` later (a debounce would put off a burst's first
 * change for as long as the burst goes on).
 */
export function throttle(fn: () => void, ms: number): () => void {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    timer = undefined;
    last = performance.now();
    fn();
  };
  return () => {
    if (timer !== undefined) return;
    const wait = last + ms - performance.now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  };
}
