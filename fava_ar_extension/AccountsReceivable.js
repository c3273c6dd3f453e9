// @ts-check
/**
 * Behaviour of the Receivables pages (fava_ar_extension): sorting tables, filtering rows,
 * the Invoices page's filters. Fava injects the pages' HTML, so inline scripts would not run:
 * everything is wired here, after each load of one of the extension's pages.
 *
 * - A table with `data-ar-sortable` sorts, as Fava's own tables do, on a header
 *   `<th data-sort="num|string" data-sort-key="KEY">` holding a `<button class="ar-sort">`
 *   ("num" reads the cells' `data-sort-value` or `data-value`, "string" their text); the sort
 *   is kept in the URL (`sort=KEY&order=asc|desc`). The Invoices table is sorted by the server:
 *   its headers are links that Fava's router follows (the same two parameters).
 * - `<input data-ar-search="table-id">` hides the rows of that table without the text typed.
 * - `<select data-ar-param="status">` (or `<input data-ar-param="from" type="date">`) reloads the
 *   page with that query parameter, keeping Fava's filters (time, account...) as in the URL.
 * - `<iframe data-ar-preview>` (a document shown as it prints: a sandboxed frame without
 *   scripts) grows to the height of its document.
 * - `<button data-ar-post="URL" data-customer="KEY">` POSTs `{"customer": KEY}` as JSON to the
 *   endpoint named by URL through Fava's extension API (`ctx.api`), forwarding Fava's time,
 *   account and filter parameters, which `ctx.api` leaves out (send a reminder, mark it as sent), says the answer beside it, then reloads the page with
 *   `recorded=KEY`. Fava answers 401 when it runs read-only: the button says so. The button
 *   stays disabled while the request runs, against double clicks (the server refuses a second
 *   record of the same letter anyway).
 */

/**
 * Go to a URL the way Fava goes to its own pages: its router intercepts clicks on links.
 * @param {string} url
 */
function navigate(url) {
  const link = document.createElement("a");
  link.href = url;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}

/** The query parameters that keep a table's sort in the URL (as the Invoices page's). */
const SORT = "sort";
const ORDER = "order";

/**
 * The value a cell sorts by: its `data-sort-value` (Fava's name) or `data-value`, else its text.
 * @param {HTMLTableRowElement} row
 * @param {number} index
 * @param {string} type
 * @returns {number | string}
 */
function cellValue(row, index, type) {
  const cell = row.cells[index];
  if (!cell) {
    return type === "num" ? -Infinity : "";
  }
  const raw =
    cell.dataset.sortValue ?? cell.dataset.value ?? cell.textContent?.trim() ?? "";
  if (type === "num") {
    const number = Number.parseFloat(raw);
    return Number.isNaN(number) ? -Infinity : number;
  }
  return raw;
}

/**
 * Sort the body of `table` by the column of header `th` in `order`, and say so on the headers:
 * `data-order` (Fava's arrow) and `aria-sort` (for screen readers) on that header only.
 * @param {HTMLTableElement} table
 * @param {HTMLTableCellElement} th
 * @param {"asc" | "desc"} order
 */
function sortTable(table, th, order) {
  const row = th.parentElement;
  const body = table.tBodies[0];
  if (!row || !body) {
    return;
  }
  for (const other of row.children) {
    if (other instanceof HTMLElement) {
      other.removeAttribute("aria-sort");
      delete other.dataset.order;
    }
  }
  th.dataset.order = order;
  th.setAttribute("aria-sort", order === "asc" ? "ascending" : "descending");
  const index = Array.from(row.children).indexOf(th);
  const type = th.dataset.sort === "num" ? "num" : "string";
  const direction = order === "asc" ? 1 : -1;
  const collator = new Intl.Collator(document.documentElement.lang || undefined, {
    sensitivity: "base",
    numeric: true,
  });
  const rows = Array.from(body.rows);
  const values = rows.map((r) => cellValue(r, index, type));
  const indices = rows.map((_r, i) => i);
  indices.sort((a, b) => {
    const x = values[a] ?? "";
    const y = values[b] ?? "";
    const compared =
      typeof x === "string" && typeof y === "string"
        ? collator.compare(x, y)
        : x < y
          ? -1
          : x > y
            ? 1
            : 0;
    return direction * compared || a - b; // stable: equal rows keep their order
  });
  body.append(...indices.map((i) => rows[i]).filter((r) => r !== undefined));
}

/**
 * Client-sorted tables: a `<button class="ar-sort">` in each `<th data-sort data-sort-key>`
 * (reachable by Tab, pressed with Enter or Space). Pressing it sorts ascending, again
 * descending (as Fava's tables), and keeps `sort`/`order` in the URL (replacing the history
 * entry, which Fava's router follows), so a reload or going back shows the same order.
 * Server-sorted tables (Invoices) have links in their headers instead: nothing to do here.
 * @param {HTMLElement} root
 */
function wireSorting(root) {
  const current = new URL(window.location.href);
  for (const table of root.querySelectorAll("table[data-ar-sortable]")) {
    if (!(table instanceof HTMLTableElement)) {
      continue;
    }
    for (const button of table.querySelectorAll("thead th[data-sort] > button.ar-sort")) {
      const th = button.parentElement;
      if (!(th instanceof HTMLTableCellElement)) {
        continue;
      }
      button.addEventListener("click", () => {
        const order = th.dataset.order === "asc" ? "desc" : "asc";
        sortTable(table, th, order);
        const url = new URL(window.location.href);
        url.searchParams.set(SORT, th.dataset.sortKey ?? "");
        url.searchParams.set(ORDER, order);
        window.history.replaceState(window.history.state, "", url);
      });
    }
    const key = current.searchParams.get(SORT);
    const order = current.searchParams.get(ORDER) === "desc" ? "desc" : "asc";
    const th = Array.from(table.querySelectorAll("thead th[data-sort-key]")).find(
      (header) => header instanceof HTMLElement && header.dataset.sortKey === key,
    );
    if (key && th instanceof HTMLTableCellElement) {
      sortTable(table, th, order);
    }
  }
}

/** @param {HTMLElement} root */
function wireSearch(root) {
  for (const input of root.querySelectorAll("input[data-ar-search]")) {
    if (!(input instanceof HTMLInputElement)) {
      continue;
    }
    const table = document.getElementById(input.dataset.arSearch ?? "");
    if (!(table instanceof HTMLTableElement) || !table.tBodies[0]) {
      continue;
    }
    const body = table.tBodies[0];
    input.addEventListener("input", () => {
      const wanted = input.value.trim().toLocaleLowerCase();
      for (const row of body.rows) {
        row.hidden =
          wanted !== "" &&
          !(row.textContent ?? "").toLocaleLowerCase().includes(wanted);
      }
    });
  }
}

/** @param {HTMLElement} root */
function wireFilters(root) {
  for (const select of root.querySelectorAll("[data-ar-param]")) {
    if (
      !(select instanceof HTMLSelectElement) &&
      !(select instanceof HTMLInputElement)
    ) {
      continue;
    }
    select.addEventListener("change", () => {
      const url = new URL(window.location.href);
      const name = select.dataset.arParam ?? "";
      if (select.value) {
        url.searchParams.set(name, select.value);
      } else {
        url.searchParams.delete(name);
      }
      url.searchParams.delete("page");
      navigate(url.toString());
    });
  }
}

/** @param {HTMLElement} root */
function wirePreviews(root) {
  for (const frame of root.querySelectorAll("iframe[data-ar-preview]")) {
    if (!(frame instanceof HTMLIFrameElement)) {
      continue;
    }
    const fit = () => {
      const doc = frame.contentDocument;
      if (doc?.documentElement) {
        frame.style.height = `${doc.documentElement.scrollHeight + 8}px`;
      }
    };
    frame.addEventListener("load", fit);
    if (frame.contentDocument?.readyState === "complete") {
      fit();
    }
  }
}

/**
 * @param {HTMLElement} element
 * @param {string} text
 * @param {boolean} bad
 */
function say(element, text, bad) {
  element.textContent = text;
  element.classList.toggle("ar-bad", bad);
  element.classList.toggle("ar-ok", !bad);
}

/** Fava's query parameters that its extension API does not forward by itself. */
const FAVA_PARAMETERS = ["time", "account", "filter", "conversion", "interval"];

/**
 * The extension endpoint a URL names, and its query parameters with Fava's current filters.
 * @param {string} href
 * @returns {[string, Record<string, string>]}
 */
function endpointOf(href) {
  const target = new URL(href, window.location.href);
  const endpoint = target.pathname.split("/").pop() ?? "";
  /** @type {Record<string, string>} */
  const params = Object.fromEntries(target.searchParams);
  const current = new URL(window.location.href).searchParams;
  for (const name of FAVA_PARAMETERS) {
    const value = current.get(name);
    if (value) {
      params[name] = value;
    }
  }
  return [endpoint, params];
}

/**
 * POST the button's action, say the answer, reload the page when it succeeded.
 * @param {ExtensionContext} ctx
 * @param {HTMLElement} root
 * @param {HTMLButtonElement} button
 */
async function post(ctx, root, button) {
  const confirmation = button.dataset.arConfirm;
  if (confirmation && !window.confirm(confirmation)) {
    return;
  }
  const cell = button.parentElement;
  const buttons = cell ? Array.from(cell.querySelectorAll("button")) : [button];
  const status =
    cell?.querySelector(".ar-action-status") ?? document.createElement("span");
  const texts = root.querySelector(".ar-reminders");
  const text = (/** @type {string} */ name) =>
    texts instanceof HTMLElement ? (texts.dataset[name] ?? "") : "";
  const customer = button.dataset.customer ?? "";
  for (const other of buttons) {
    other.disabled = true;
  }
  status.classList.remove("ar-bad", "ar-ok");
  status.textContent = text("arBusyText");
  /** @type {Response} */
  let response;
  try {
    const [endpoint, params] = endpointOf(button.dataset.arPost ?? "");
    response = /** @type {Response} */ (
      await ctx.api.request(endpoint, "POST", params, { customer }, "raw")
    );
  } catch {
    say(status, text("arNetworkText"), true);
    return;
  }
  if (response.status === 401) {
    say(status, text("arReadOnlyText"), true);
    return;
  }
  /** @type {{ok?: boolean, message?: string, error?: string}} */
  let answer;
  try {
    answer = await response.json();
  } catch {
    answer = { error: `${response.status} ${response.statusText}` };
  }
  if (!response.ok || answer.error || !answer.ok) {
    say(status, answer.error ?? `${response.status} ${response.statusText}`, true);
    if (response.status !== 409) {
      for (const other of buttons) {
        other.disabled = false;
      }
    }
    return;
  }
  say(status, answer.message ?? "", false);
  const url = new URL(window.location.href);
  url.searchParams.set("recorded", customer);
  url.searchParams.delete("preview");
  navigate(url.toString());
}

/**
 * @param {ExtensionContext} ctx
 * @param {HTMLElement} root
 */
function wireActions(ctx, root) {
  for (const button of root.querySelectorAll("button[data-ar-post]")) {
    if (!(button instanceof HTMLButtonElement) || !button.dataset.arPost) {
      continue;
    }
    button.addEventListener("click", (event) => {
      event.preventDefault();
      if (!button.disabled) {
        post(ctx, root, button).catch((error) => {
          console.error(error);
        });
      }
    });
  }
}

/**
 * Fava's extension context (frontend/src/extension-api.d.ts in Fava 1.30).
 * @typedef {object} ExtensionContext
 * @property {{request: (endpoint: string, method: "GET" | "PUT" | "POST" | "DELETE",
 *   params?: Record<string, string | number>, body?: unknown,
 *   output?: "json" | "string" | "raw") => Promise<unknown>}} api
 */

export default {
  /** @param {ExtensionContext} ctx */
  onExtensionPageLoad(ctx) {
    const root = document.querySelector(".ar");
    if (!(root instanceof HTMLElement)) {
      return;
    }
    wireSorting(root);
    wireSearch(root);
    wireFilters(root);
    wirePreviews(root);
    wireActions(ctx, root);
  },
};
