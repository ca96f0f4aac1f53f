/** An element to write: text or children, never both (the KSR schema has no mixed content). */
export interface XmlNode {
  name: string;
  attrs?: ReadonlyArray<readonly [string, string | number]>;
  text?: string | number;
  children?: readonly XmlNode[];
}

export function el(name: string, attrs: XmlNode['attrs'], content?: string | number | readonly XmlNode[]): XmlNode {
  if (content === undefined) return { name, attrs };
  if (Array.isArray(content)) return { name, attrs, children: content };
  return { name, attrs, text: content as string | number };
}

function escape(value: string | number): string {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function lines(node: XmlNode, depth: number, indent: string, out: string[]): void {
  const pad = indent.repeat(depth);
  const attrs = (node.attrs ?? []).map(([k, v]) => ` ${k}="${escape(v)}"`).join('');
  if (node.children && node.children.length > 0) {
    out.push(`${pad}<${node.name}${attrs}>`);
    for (const child of node.children) lines(child, depth + 1, indent, out);
    out.push(`${pad}</${node.name}>`);
  } else if (node.text !== undefined) {
    out.push(`${pad}<${node.name}${attrs}>${escape(node.text)}</${node.name}>`);
  } else {
    out.push(`${pad}<${node.name}${attrs}/>`);
  }
}

/** Deterministic output: same tree, same bytes (UTF-8 declaration, fixed indentation, final newline). */
export function xmlDocument(root: XmlNode, { indent = '    ', finalNewline = true } = {}): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines(root, 0, indent, out);
  return out.join('\n') + (finalNewline ? '\n' : '');
}
