// Short notices: a toast that fades, and the panel's lasting warning and error lines.
import { el } from './dom';

/** How long a toast stays. */
const TOAST_MS = 2500;

/** A toast line at the bottom of the panel; a newer toast replaces an older one. */
export class Toast {
  /** The toast's element. */
  readonly element = el('div', 'toast');
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.element.setAttribute('role', 'status');
  }

  /** Shows `text` for a moment. */
  show(text: string): void {
    this.element.textContent = text;
    this.element.classList.add('visible');
    // An earlier toast's timer must not hide this one early.
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.element.classList.remove('visible'), TOAST_MS);
  }
}

/** The warnings and errors that stay in the panel. */
export class MessageList {
  /** The list's element. */
  readonly element = el('div', 'messages');

  constructor() {
    this.element.setAttribute('aria-live', 'polite');
  }

  /**
   * Adds a warning (a note) or an error (an alert), with a button after the text that acts on it when given. The
   * same message twice (every window of rows a failing fetch was asked for) is shown once.
   */
  add(kind: 'warning' | 'error', text: string, action?: HTMLElement): void {
    for (const shown of this.element.children)
      if (shown.classList.contains(kind) && shown.firstElementChild?.textContent === text) return;
    const m = el('div', kind);
    m.setAttribute('role', kind === 'error' ? 'alert' : 'note');
    m.append(el('span', undefined, text));
    if (action) m.append(action);
    this.element.append(m);
  }
}
