/** Bidi controls (which can reorder what a label seems to say, e.g. U+202E) and other invisible format characters. */
export const INVISIBLE_CHARACTERS =
  /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;
