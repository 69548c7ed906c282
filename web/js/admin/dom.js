// A small element builder for the admin page's lists: h('li', {className: 'x'}, 'text', child).
// Text always goes in as text nodes, so nothing a server or a person typed becomes markup.

/** A new element; `props` are set as properties, except `attrs` and `dataset` (objects). */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  const { attrs = {}, dataset = {}, ...rest } = props;
  Object.assign(node, rest);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  Object.assign(node.dataset, dataset);
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** An <option>. */
export function option(value, text) {
  return h('option', { value: String(value), textContent: text });
}

/** Keeps a <select>'s choice across a refill when the same value is offered again. */
export function refillSelect(select, options) {
  const kept = select.value;
  select.replaceChildren(...options);
  if ([...select.options].some((o) => o.value === kept)) select.value = kept;
}
