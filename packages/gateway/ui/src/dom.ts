// Small DOM helpers shared by the pages.

type Attributes = Record<string, string | boolean | undefined>;

/** Creates an element; attributes set to false or undefined are left out, true sets an empty one. */
export function el<K extends keyof HTMLElementTagNameMap>(
    tag: K, attributes: Attributes = {}, ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
        if (value !== undefined && value !== false) {
            element.setAttribute(name, value === true ? '' : value);
        }
    }
    element.append(...children);
    return element;
}

/** The element with this id, or an error naming it: the html and the script disagree. */
export function byId<T extends HTMLElement>(id: string): T {
    const element = document.getElementById(id);
    if (!element) {
        throw new Error(`The page has no element #${id}`);
    }
    return element as T;
}

/** Shows a message in a live region (role alert or status); an empty message clears it. */
export function showMessage(region: HTMLElement, message: string): void {
    region.textContent = message;
}

/** The value of a query parameter of the page's address. */
export function queryParameter(name: string): string | undefined {
    return new URLSearchParams(location.search).get(name) ?? undefined;
}
