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
 * - `<button data-ar-bulk="email|letter">` in `.ar-bulk` (the Reminders page) runs the same
 *   per-letter action for every letter of the table, one at a time: "n of N", then per
 *   customer the outcome the server names in its answer (sent, recorded, already sent,
 *   skipped, failed) with its message. Rows with `data-ar-bulk-skip` are not e-mailed (the
 *   reason is shown). Cancel stops after the current letter. The server refuses a second
 *   record of a letter, so a reload or a second run sends nothing twice.
 * - `<a data-ar-zip>` (the Statements page's ZIP) downloads through `ctx.api`, the link
 *   disabled and saying how many statements are being made, then done or why it failed.
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
 * A text of the page with `{name}` placeholders filled in.
 * @param {string} text
 * @param {Record<string, string | number>} values
 */
function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole,
  );
}

/** Whether a bulk run is going on (one at a time, against double clicks). */
let bulkRunning = false;

/**
 * POST one letter's action; the outcome the server names and its message.
 * @param {ExtensionContext} ctx
 * @param {string} href
 * @param {string} customer
 * @returns {Promise<{outcome: string, message: string, stop: string}>}
 *   `stop`: why no letter should follow (the name of the page's text saying so), else "".
 */
async function postOne(ctx, href, customer) {
  /** @type {Response} */
  let response;
  try {
    const [endpoint, params] = endpointOf(href);
    response = /** @type {Response} */ (
      await ctx.api.request(endpoint, "POST", params, { customer }, "raw")
    );
  } catch {
    return { outcome: "failed", message: "", stop: "arNetworkText" };
  }
  if (response.status === 401) {
    return { outcome: "failed", message: "", stop: "arReadOnlyText" };
  }
  /** @type {{ok?: boolean, outcome?: string, message?: string, error?: string}} */
  let answer;
  try {
    answer = await response.json();
  } catch {
    answer = { error: `${response.status} ${response.statusText}` };
  }
  const ok = response.ok && answer.ok === true;
  return {
    outcome: answer.outcome ?? (ok ? "sent" : "failed"),
    message: (ok ? answer.message : answer.error) ?? "",
    stop: "",
  };
}

/**
 * Run a bulk action over the letters of the Reminders table (see the module docstring).
 * @param {ExtensionContext} ctx
 * @param {HTMLElement} root
 * @param {HTMLElement} panel
 * @param {HTMLButtonElement} button
 */
async function runBulk(ctx, root, panel, button) {
  const channel = button.dataset.arBulk;
  const confirmation = button.dataset.arConfirm;
  if (bulkRunning || (confirmation && !window.confirm(confirmation))) {
    return;
  }
  bulkRunning = true;
  const text = (/** @type {string} */ name) => panel.dataset[name] ?? "";
  const starters = Array.from(panel.querySelectorAll("button[data-ar-bulk]"));
  const cancel = panel.querySelector(".ar-bulk-cancel");
  const line = panel.querySelector(".ar-bulk-progress");
  const bar = panel.querySelector("progress");
  const count = panel.querySelector(".ar-bulk-count");
  const results = panel.querySelector(".ar-bulk-results");
  const reload = panel.querySelector(".ar-bulk-reload");
  const rows = Array.from(
    root.querySelectorAll("#ar-reminders-table tbody tr[data-customer]"),
  ).filter((row) => row instanceof HTMLElement);
  const total = rows.length;
  let cancelled = false;
  /** @type {() => void} */
  const onCancel = () => {
    cancelled = true;
    if (cancel instanceof HTMLButtonElement) {
      cancel.disabled = true;
    }
    if (count) {
      count.textContent = text("arCancellingText");
    }
  };
  /** @type {Map<HTMLButtonElement, boolean>} */
  const wasDisabled = new Map();
  for (const other of starters) {
    if (other instanceof HTMLButtonElement) {
      wasDisabled.set(other, other.disabled);
      other.disabled = true;
    }
  }
  if (cancel instanceof HTMLButtonElement) {
    cancel.hidden = false;
    cancel.disabled = false;
    cancel.addEventListener("click", onCancel);
  }
  if (results) {
    results.replaceChildren();
  }
  if (line instanceof HTMLElement) {
    line.hidden = false;
  }
  if (bar instanceof HTMLProgressElement) {
    bar.max = Math.max(total, 1);
    bar.value = 0;
  }
  /**
   * @param {HTMLElement} row
   * @param {string} outcome
   * @param {string} message
   */
  const report = (row, outcome, message) => {
    const item = document.createElement("li");
    item.dataset.customer = row.dataset.customer ?? "";
    item.dataset.outcome = outcome;
    const name = document.createElement("strong");
    name.textContent = row.dataset.name ?? row.dataset.customer ?? "";
    const label = text(`arOutcome${outcome[0]?.toUpperCase()}${outcome.slice(1)}`) || outcome;
    item.append(name, `: ${label}${message ? ` – ${message}` : ""}`);
    item.classList.toggle("ar-bad", outcome === "failed");
    item.classList.toggle("ar-ok", outcome === "sent" || outcome === "recorded");
    results?.append(item);
    const status = row.querySelector(".ar-action-status");
    if (status instanceof HTMLElement) {
      say(status, label, outcome === "failed");
    }
    if (["sent", "recorded", "already"].includes(outcome)) {
      for (const own of row.querySelectorAll("button")) {
        own.disabled = true;
      }
    }
  };
  let done = 0;
  let stopped = false;
  for (const row of rows) {
    if (cancelled || stopped) {
      report(row, "cancelled", "");
      continue;
    }
    if (count) {
      count.textContent = `${fill(text("arProgressText"), { done: done + 1, total })} – ${row.dataset.name ?? ""}`;
    }
    const skip = row.dataset.arBulkSkip;
    const action = row.querySelector(channel === "email" ? "button.ar-send" : "button.ar-mark");
    if (channel === "email" && skip) {
      report(row, "skipped", skip);
    } else if (!(action instanceof HTMLButtonElement) || !action.dataset.arPost) {
      report(row, "skipped", "");
    } else {
      const result = await postOne(ctx, action.dataset.arPost, row.dataset.customer ?? "");
      // Fava read-only (401) or out of reach: the page's own words, and no letter after this one
      const texts = root.querySelector(".ar-reminders");
      const why =
        texts instanceof HTMLElement && result.stop ? (texts.dataset[result.stop] ?? "") : "";
      report(row, result.outcome, result.message || why);
      stopped = result.stop !== "";
    }
    done += 1;
    if (bar instanceof HTMLProgressElement) {
      bar.value = done;
    }
  }
  if (count) {
    count.textContent = fill(
      text(cancelled || stopped ? "arCancelledText" : "arDoneText"),
      { done, total },
    );
  }
  if (cancel instanceof HTMLButtonElement) {
    cancel.removeEventListener("click", onCancel);
    cancel.hidden = true;
  }
  if (reload instanceof HTMLElement) {
    reload.hidden = false;
  }
  // a run again (after Cancel) goes on where this one stopped: what was sent answers "already"
  for (const [other, disabled] of wasDisabled) {
    other.disabled = disabled;
  }
  bulkRunning = false;
}

/**
 * @param {ExtensionContext} ctx
 * @param {HTMLElement} root
 */
function wireBulk(ctx, root) {
  const panel = root.querySelector(".ar-bulk");
  if (!(panel instanceof HTMLElement)) {
    return;
  }
  for (const button of panel.querySelectorAll("button[data-ar-bulk]")) {
    if (!(button instanceof HTMLButtonElement)) {
      continue;
    }
    button.addEventListener("click", (event) => {
      event.preventDefault();
      if (!button.disabled) {
        runBulk(ctx, root, panel, button).catch((error) => {
          bulkRunning = false;
          console.error(error);
        });
      }
    });
  }
}

/**
 * The statements' ZIP through `ctx.api`: the link disabled and busy while it is made.
 * @param {ExtensionContext} ctx
 * @param {HTMLElement} root
 */
function wireZip(ctx, root) {
  for (const link of root.querySelectorAll("a[data-ar-zip]")) {
    if (!(link instanceof HTMLAnchorElement)) {
      continue;
    }
    const status = link.parentElement?.querySelector(".ar-zip-status");
    let busy = false;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      if (busy) {
        return;
      }
      busy = true;
      link.setAttribute("aria-disabled", "true");
      link.classList.add("ar-disabled");
      if (status instanceof HTMLElement) {
        status.classList.remove("ar-bad", "ar-ok");
        status.textContent = link.dataset.arBusyText ?? "";
      }
      const finish = (/** @type {string} */ message, /** @type {boolean} */ bad) => {
        busy = false;
        link.removeAttribute("aria-disabled");
        link.classList.remove("ar-disabled");
        if (status instanceof HTMLElement) {
          say(status, message, bad);
        }
      };
      const [endpoint, params] = endpointOf(link.href);
      /** @type {Promise<unknown>} */ (ctx.api.request(endpoint, "GET", params, undefined, "raw"))
        .then(async (raw) => {
          const response = /** @type {Response} */ (raw);
          if (!response.ok) {
            const page = new DOMParser().parseFromString(await response.text(), "text/html");
            const why = page.querySelector("p")?.textContent ?? `${response.status}`;
            finish(fill(link.dataset.arFailedText ?? "{message}", { message: why }), true);
            return;
          }
          const disposition = response.headers.get("Content-Disposition") ?? "";
          const name =
            /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1] ?? "statements.zip";
          const blob = await response.blob();
          const save = document.createElement("a");
          save.href = URL.createObjectURL(blob);
          save.download = decodeURIComponent(name);
          save.hidden = true;
          save.dataset.remote = "";
          document.body.append(save);
          save.click();
          save.remove();
          setTimeout(() => URL.revokeObjectURL(save.href), 60000);
          finish(link.dataset.arDoneText ?? "", false);
        })
        .catch(() => {
          finish(fill(link.dataset.arFailedText ?? "{message}", { message: "" }), true);
        });
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
    wireBulk(ctx, root);
    wireZip(ctx, root);
  },
};
