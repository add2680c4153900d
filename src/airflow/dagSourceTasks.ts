// Finds where DAGs and tasks are defined in a DAG file's Python source, without running it: a small tokenizer
// that knows strings, comments and brackets, and a scan of its logical lines for decorators, calls and blocks.

/** Where one task is defined in the source. */
export interface TaskDefinition {
  /** The task id Airflow gives it, with its task groups' prefixes when the source makes them certain. */
  taskId: string;
  /** The DAG it belongs to, when the source says so (or the file defines one DAG). */
  dagId: string | undefined;
  /** Zero-based line of the definition's first token (the decorator or the operator call). */
  line: number;
  /** Zero-based column of that token. */
  column: number;
  /** A TaskFlow function or a classic operator call. */
  kind: 'taskflow' | 'operator';
  /** True when the task is mapped (`.partial(...)` or `.expand(...)`). */
  mapped: boolean;
}

/** Where one DAG is defined in the source. */
export interface DagDefinition {
  /** dag_id. */
  dagId: string;
  /** Zero-based line of the definition. */
  line: number;
}

/** The DAGs and tasks found in one file. */
export interface DagSourceOutline {
  /** DAGs, in source order. */
  dags: DagDefinition[];
  /** Tasks, in source order. */
  tasks: TaskDefinition[];
  /** True when the source was longer than the budget and was not read. */
  tooLarge: boolean;
}

/** Sources longer than this are not parsed: about 25 ms on the host thread (bench/dagSource.bench.mjs). */
const MAX_DAG_SOURCE_CHARS = 200_000;

interface Token {
  kind: 'name' | 'string' | 'op' | 'number';
  text: string;
  /** Literal value of a plain (non-f) string. */
  value?: string;
  line: number;
  column: number;
}

interface LogicalLine {
  tokens: Token[];
  indent: number;
}

const STRING_START = /([rRbBuUfF]{0,2})('''|"""|'|")/y;

function tokenize(source: string): LogicalLine[] {
  const lines: LogicalLine[] = [];
  let current: Token[] = [];
  let depth = 0;
  let line = 0;
  let lineStart = 0;
  let i = 0;
  const endLine = () => {
    if (current.length) lines.push({ tokens: current, indent: current[0].column });
    current = [];
  };
  while (i < source.length) {
    const ch = source[i];
    if (ch === '\n') {
      line++;
      lineStart = ++i;
      if (depth === 0) endLine();
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f') {
      i++;
      continue;
    }
    if (ch === '\\' && source[i + 1] === '\n') {
      i += 2;
      line++;
      lineStart = i;
      continue;
    }
    if (ch === '#') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    const column = i - lineStart;
    STRING_START.lastIndex = i;
    const str = STRING_START.exec(source);
    if (str) {
      const [, prefix, quote] = str;
      const startLine = line;
      let j = i + str[0].length;
      let value = '';
      while (j < source.length) {
        const c = source[j];
        if (source.startsWith(quote, j)) break;
        if (c === '\\' && j + 1 < source.length) {
          value += source[j + 1];
          if (source[j + 1] === '\n') {
            line++;
            lineStart = j + 2;
          }
          j += 2;
          continue;
        }
        if (c === '\n') {
          if (quote.length === 1) break;
          line++;
          lineStart = j + 1;
        }
        value += c;
        j++;
      }
      const isF = /[fF]/.test(prefix);
      current.push({
        kind: 'string',
        text: source.slice(i, j + quote.length),
        value: isF ? undefined : value,
        line: startLine,
        column,
      });
      i = j + quote.length;
      continue;
    }
    const name = /[A-Za-z_\p{L}][\w\p{L}]*/uy;
    name.lastIndex = i;
    const word = name.exec(source);
    if (word) {
      current.push({ kind: 'name', text: word[0], line, column });
      i += word[0].length;
      continue;
    }
    if (/\d/.test(ch)) {
      let j = i;
      while (j < source.length && /[\w.]/.test(source[j])) j++;
      current.push({ kind: 'number', text: source.slice(i, j), line, column });
      i = j;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) depth--;
    current.push({ kind: 'op', text: ch, line, column });
    i++;
  }
  endLine();
  return lines;
}

interface CallInfo {
  /** Index of the call's `(`. */
  open: number;
  /** Index of its `)` (or the end of the line). */
  close: number;
  /** Dotted callee, e.g. `BashOperator.partial`. */
  callee: string[];
  /** Index of the callee chain's first token. */
  start: number;
  /** Keyword arguments whose value is one plain string. */
  kwargs: Map<string, string>;
  /** Keyword arguments whose value is one name (`dag=dag`). */
  nameKwargs: Map<string, string>;
  /** The first positional argument when it is one plain string. */
  firstString: string | undefined;
}

function closing(tokens: Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    const t = tokens[k].text;
    if (tokens[k].kind !== 'op') continue;
    if (t === '(' || t === '[' || t === '{') depth++;
    else if (t === ')' || t === ']' || t === '}') if (--depth === 0) return k;
  }
  return tokens.length;
}

function callAt(tokens: Token[], open: number): CallInfo | undefined {
  const callee: string[] = [];
  let k = open - 1;
  while (k >= 0 && tokens[k].kind === 'name') {
    callee.unshift(tokens[k].text);
    if (k >= 1 && tokens[k - 1].text === '.' && tokens[k - 2]?.kind === 'name') k -= 2;
    else break;
  }
  if (!callee.length) {
    // `X.partial(...).expand(...)`: the callee of `.expand` starts at the previous call.
    return undefined;
  }
  const close = closing(tokens, open);
  const kwargs = new Map<string, string>();
  const nameKwargs = new Map<string, string>();
  let firstString: string | undefined;
  let depth = 0;
  let argStart = true;
  let position = 0;
  for (let m = open + 1; m < close; m++) {
    const t = tokens[m];
    if (t.kind === 'op' && '([{'.includes(t.text)) depth++;
    else if (t.kind === 'op' && ')]}'.includes(t.text)) depth--;
    if (depth !== 0) continue;
    if (t.kind === 'op' && t.text === ',') {
      argStart = true;
      position++;
      continue;
    }
    if (!argStart) continue;
    argStart = false;
    const next = tokens[m + 1];
    const after = tokens[m + 2];
    const ends = (n: number) => n >= close || (tokens[n].kind === 'op' && tokens[n].text === ',');
    if (t.kind === 'name' && next?.text === '=' && tokens[m + 2] && ends(m + 3)) {
      if (after.kind === 'string' && after.value !== undefined) kwargs.set(t.text, after.value);
      else if (after.kind === 'name') nameKwargs.set(t.text, after.text);
    } else if (position === 0 && t.kind === 'string' && t.value !== undefined && ends(m + 1)) {
      firstString = t.value;
    }
  }
  return { open, close, callee, start: k, kwargs, nameKwargs, firstString };
}

function calls(tokens: Token[]): CallInfo[] {
  const found: CallInfo[] = [];
  tokens.forEach((t, k) => {
    if (t.kind === 'op' && t.text === '(') {
      const call = callAt(tokens, k);
      if (call) found.push(call);
    }
  });
  return found;
}

interface Scope {
  indent: number;
  kind: 'dag' | 'group' | 'taskBody' | 'function';
  dagId?: string;
  /** The group's full id; undefined when it adds no prefix. */
  groupId?: string;
}

const NOT_TASKS = new Set(['xcom_pull', 'get_task', 'get_task_instance', 'get_dagrun', 'task', 'task_group']);

/** Finds every DAG and task defined in `source`; reads nothing beyond it and runs nothing. */
export function findDagSourceTasks(source: string, maxChars = MAX_DAG_SOURCE_CHARS): DagSourceOutline {
  if (source.length > maxChars) return { dags: [], tasks: [], tooLarge: true };
  const dags: DagDefinition[] = [];
  const tasks: TaskDefinition[] = [];
  const dagVariables = new Map<string, string>();
  const taskFunctions = new Map<string, TaskDefinition>();
  const scopes: Scope[] = [];
  let decorators: Array<{ name: string; call: CallInfo | undefined; token: Token }> = [];
  const innermost = <K extends Scope['kind']>(kind: K) => [...scopes].reverse().find((s) => s.kind === kind);
  const prefix = () => innermost('group')?.groupId;
  const qualified = (id: string) => (prefix() ? `${prefix()}.${id}` : id);

  for (const { tokens, indent } of tokenize(source)) {
    while (scopes.length && scopes[scopes.length - 1].indent >= indent) scopes.pop();
    const first = tokens[0];
    const lineCalls = calls(tokens);
    if (first.text === '@') {
      const nameTokens: string[] = [];
      for (let k = 1; k < tokens.length && (tokens[k].kind === 'name' || tokens[k].text === '.'); k++) {
        if (tokens[k].kind === 'name') nameTokens.push(tokens[k].text);
      }
      const call = lineCalls.find((c) => c.start === 1);
      decorators.push({ name: nameTokens.join('.'), call, token: first });
      continue;
    }
    const defAt = first.text === 'async' ? 1 : 0;
    if (tokens[defAt]?.text === 'def' && tokens[defAt + 1]?.kind === 'name') {
      const functionName = tokens[defAt + 1].text;
      const decorated = decorators;
      decorators = [];
      const taskDecorator = decorated.find((d) => d.name === 'task' || d.name.startsWith('task.'));
      const dagDecorator = decorated.find((d) => d.name === 'dag');
      const groupDecorator = decorated.find((d) => d.name === 'task_group');
      if (dagDecorator) {
        const dagId = dagDecorator.call?.kwargs.get('dag_id') ?? dagDecorator.call?.firstString ?? functionName;
        dags.push({ dagId, line: dagDecorator.token.line });
        scopes.push({ indent, kind: 'dag', dagId });
      } else if (groupDecorator) {
        const own = groupDecorator.call?.kwargs.get('group_id') ?? groupDecorator.call?.firstString ?? functionName;
        const keepsPrefix =
          !groupDecorator.call || !/False/.test(groupDecorator.call.kwargs.get('prefix_group_id') ?? '');
        scopes.push({ indent, kind: 'group', groupId: keepsPrefix ? qualified(own) : prefix() });
      } else if (taskDecorator && innermost('taskBody') === undefined) {
        const definition: TaskDefinition = {
          taskId: qualified(taskDecorator.call?.kwargs.get('task_id') ?? functionName),
          dagId: innermost('dag')?.dagId,
          line: decorated[0].token.line,
          column: decorated[0].token.column,
          kind: 'taskflow',
          mapped: false,
        };
        tasks.push(definition);
        taskFunctions.set(functionName, definition);
        scopes.push({ indent, kind: 'taskBody' });
      } else {
        scopes.push({ indent, kind: 'function' });
      }
      continue;
    }
    decorators = [];
    if (innermost('taskBody')) continue;
    let opened: Scope | undefined;
    for (const call of lineCalls) {
      const last = call.callee[call.callee.length - 1];
      if (last === 'DAG') {
        const dagId = call.kwargs.get('dag_id') ?? call.firstString;
        if (!dagId) continue;
        dags.push({ dagId, line: tokens[call.start].line });
        if (call.start >= 2 && tokens[call.start - 1].text === '=' && call.start === 2)
          dagVariables.set(first.text, dagId);
        if (first.text === 'with' && !opened) opened = { indent, kind: 'dag', dagId };
        continue;
      }
      if (last === 'TaskGroup') {
        const own = call.kwargs.get('group_id') ?? call.firstString;
        if (first.text === 'with' && own && !opened) {
          const keepsPrefix = !/False/.test(
            tokens
              .slice(call.open, call.close)
              .map((t) => t.text)
              .join(' ')
              .match(/prefix_group_id = (\w+)/)?.[1] ?? '',
          );
          opened = { indent, kind: 'group', groupId: keepsPrefix ? qualified(own) : prefix() };
        }
        continue;
      }
      if ((last === 'expand' || last === 'expand_kwargs' || last === 'partial') && call.callee.length === 2) {
        const fn = taskFunctions.get(call.callee[0]);
        if (fn) fn.mapped = true;
      }
      const taskId = call.kwargs.get('task_id');
      if (taskId === undefined || NOT_TASKS.has(last)) continue;
      const startToken = tokens[call.start];
      const dagVariable = call.nameKwargs.get('dag');
      const afterClose = tokens
        .slice(call.close + 1, call.close + 3)
        .map((t) => t.text)
        .join('');
      tasks.push({
        taskId: qualified(taskId),
        dagId: innermost('dag')?.dagId ?? (dagVariable ? dagVariables.get(dagVariable) : undefined),
        line: startToken.line,
        column: startToken.column,
        kind: last === 'override' ? 'taskflow' : 'operator',
        mapped: last === 'partial' || afterClose === '.expand' || afterClose === '.expand_kwargs',
      });
    }
    if (first.text === 'with' && !opened && tokens[1]?.kind === 'name' && dagVariables.has(tokens[1].text)) {
      opened = { indent, kind: 'dag', dagId: dagVariables.get(tokens[1].text) };
    }
    if (opened) scopes.push(opened);
  }
  const distinct = [...new Set(dags.map((d) => d.dagId))];
  if (distinct.length === 1) for (const task of tasks) task.dagId ??= distinct[0];
  return { dags, tasks, tooLarge: false };
}

/** The definition of `taskId` of `dagId` in an outline: exact id first, then the id without task-group prefixes. */
export function findTaskDefinition(
  outline: DagSourceOutline,
  dagId: string,
  taskId: string,
): TaskDefinition | undefined {
  const ofDag = outline.tasks.filter((t) => t.dagId === undefined || t.dagId === dagId);
  const exact = ofDag.find((t) => t.taskId === taskId);
  if (exact) return exact;
  const bare = taskId.split('.').pop();
  const loose = ofDag.filter((t) => t.taskId.split('.').pop() === bare);
  return loose.length === 1 ? loose[0] : undefined;
}
