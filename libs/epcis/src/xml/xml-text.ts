/** A minimal XML tree for writing: elements with attributes and either text or child elements. */
export interface XmlElement {
  name: string;
  attributes: Array<[string, string]>;
  children: XmlElement[];
  text?: string;
}

export function element(
  name: string,
  children: XmlElement[] = [],
  attributes: Array<[string, string]> = [],
): XmlElement {
  return { name, attributes, children };
}

export function textElement(
  name: string,
  text: string,
  attributes: Array<[string, string]> = [],
): XmlElement {
  return { name, attributes, children: [], text };
}

/** Serialises with two-space indentation; an element with text keeps it inline (text is never re-indented). */
export function serializeXml(root: XmlElement): string {
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const write = (node: XmlElement, depth: number): void => {
    const indent = '  '.repeat(depth);
    const attributes = node.attributes
      .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
      .join('');
    const text = node.text === undefined ? '' : escapeText(node.text);
    if (node.children.length === 0) {
      lines.push(
        text === ''
          ? `${indent}<${node.name}${attributes}/>`
          : `${indent}<${node.name}${attributes}>${text}</${node.name}>`,
      );
      return;
    }
    lines.push(`${indent}<${node.name}${attributes}>${text}`);
    for (const child of node.children) write(child, depth + 1);
    lines.push(`${indent}</${node.name}>`);
  };
  write(root, 0);
  return `${lines.join('\n')}\n`;
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}
