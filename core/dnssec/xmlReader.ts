import { SaxesParser } from 'saxes';
import { KskError } from '../errors.js';

/** An element as read: attributes, child elements, its text, and the line it starts on. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
  line: number;
}

export interface XmlLimits {
  /** Refused before parsing starts, so a huge file never reaches the parser. */
  maxBytes: number;
  maxDepth: number;
}

export const defaultXmlLimits: XmlLimits = { maxBytes: 10 * 1024 * 1024, maxDepth: 16 };

function fail(what: string, message: string): never {
  throw new KskError('BAD_INPUT_FILE', `${what}: ${message}`);
}

/**
 * A deliberately small XML reader for KSRs and SKRs: no DTD (so no entity expansion and no
 * external references), only the five predefined entities, bounded size and depth, and every
 * error located by line.
 */
export function readXml(bytes: Uint8Array, what: string, limits: XmlLimits = defaultXmlLimits): XmlElement {
  if (bytes.length > limits.maxBytes) {
    fail(what, `the file is too large (${bytes.length} bytes; the limit is ${limits.maxBytes}). A KSR or SKR is a few tens of kilobytes.`);
  }
  if (bytes.length === 0) fail(what, 'the file is empty.');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    fail(what, 'the file is not valid UTF-8 text.');
  }

  const parser = new SaxesParser({ position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;

  parser.on('doctype', () => {
    fail(
      what,
      `a document type declaration (DTD) at line ${parser.line} is refused: KSRs and SKRs never carry one, and a DTD can define entities or fetch external files.`,
    );
  });
  parser.on('processinginstruction', (pi) => {
    fail(what, `the processing instruction <?${pi.target}?> at line ${parser.line} is not allowed.`);
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= limits.maxDepth) fail(what, `elements are nested more than ${limits.maxDepth} deep at line ${parser.line} (<${tag.name}>).`);
    const attrs: Record<string, string> = {};
    for (const [name, value] of Object.entries(tag.attributes)) attrs[name] = typeof value === 'string' ? value : value.value;
    const element: XmlElement = { name: tag.name, attrs, children: [], text: '', line: parser.line };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else root = element;
    if (!tag.isSelfClosing) stack.push(element);
  });
  parser.on('closetag', (tag) => {
    if (!tag.isSelfClosing) stack.pop();
  });
  parser.on('text', (t) => {
    const current = stack[stack.length - 1];
    if (current) current.text += t;
  });
  parser.on('cdata', (t) => {
    const current = stack[stack.length - 1];
    if (current) current.text += t;
  });
  parser.on('error', (e) => {
    const message = e.message.replace(/^(?:[^:\n]*:)?\d+:\d+: /, '').replace(/\.$/, '');
    const open = stack[stack.length - 1];
    if (/^unclosed tag/.test(message) && open) {
      fail(what, `the file ends before <${open.name}> (opened at line ${open.line}) is closed: it is truncated or malformed.`);
    }
    if (/entity/i.test(message)) {
      fail(what, `${message} at line ${parser.line}: only the five predefined XML entities are allowed.`);
    }
    fail(what, `malformed XML at line ${parser.line}${open ? ` inside <${open.name}> (opened at line ${open.line})` : ''}: ${message}.`);
  });

  parser.write(text).close();
  if (!root) fail(what, 'the file has no XML element.');
  return root;
}
