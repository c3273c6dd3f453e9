// @ts-check
/**
 * Behaviour of the Receivables pages (fava_ar_extension): sorting tables, filtering rows,
 * the Invoices page's filters. Fava injects the pages' HTML, so inline scripts would not run:
 * everything is wired here, after each load of one of the extension's pages.
 *
 * - A table with `data-ar-sortable` sorts on a click on a header with `data-sort` ("num" reads
 *   the cells' `data-value`, "text" their text). A paginated table (`data-ar-complete="false"`)
 *   is sorted by the server instead: its headers are links that Fava's router follows.
 * - `<input data-ar-search="table-id">` hides the rows of that table without the text typed.
 * - `<select data-ar-param="status">` (or `<input data-ar-param="from" type="date">`) reloads the
 *   page with that query parameter, keeping Fava's filters (time, account...) as in the URL.
 * - `<iframe data-ar-preview>` (a document shown as it prints: a sandboxed frame without
 *   scripts) grows to the height of its document.
 * - `<button data-ar-post="URL" data-customer="KEY">` POSTs `{"customer": KEY}` as JSON to URL
 *   (send a reminder, mark it as sent), says the answer beside it, then reloads the page with
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

/**
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
  const raw = cell.dataset.value ?? cell.textContent?.trim() ?? "";
  if (type === "num") {
    const number = Number.parseFloat(raw);
    return Number.isNaN(number) ? -Infinity : number;
  }
  return raw.toLocaleLowerCase();
}

/**
 * Sort the body of `table` by the column of header `th`, toggling the order.
 * @param {HTMLTableElement} table
 * @param {HTMLTableCellElement} th
 */
function sortTable(table, th) {
  const row = th.parentElement;
  const body = table.tBodies[0];
  if (!row || !body) {
    return;
  }
  const index = Array.from(row.children).indexOf(th);
  const type = th.dataset.sort ?? "text";
  const ascending = th.getAttribute("aria-sort") !== "ascending";
  for (const other of row.children) {
    other.removeAttribute("aria-sort");
  }
  th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  const rows = Array.from(body.rows);
  const collator = new Intl.Collator(document.documentElement.lang || undefined);
  rows.sort((a, b) => {
    const x = cellValue(a, index, type);
    const y = cellValue(b, index, type);
    const order =
      typeof x === "string" && typeof y === "string"
        ? collator.compare(x, y)
        : x < y
          ? -1
          : x > y
            ? 1
            : 0;
    return ascending ? order : -order;
  });
  body.append(...rows);
}

/** @param {HTMLElement} root */
function wireSorting(root) {
  for (const table of root.querySelectorAll("table[data-ar-sortable]")) {
    if (!(table instanceof HTMLTableElement)) {
      continue;
    }
    if (table.dataset.arComplete === "false") {
      continue; // paginated: the header links ask the server to sort
    }
    for (const th of table.querySelectorAll("thead th[data-sort]")) {
      if (!(th instanceof HTMLTableCellElement)) {
        continue;
      }
      th.addEventListener("click", (event) => {
        event.preventDefault();
        sortTable(table, th);
      });
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

/**
 * POST the button's action, say the answer, reload the page when it succeeded.
 * @param {HTMLElement} root
 * @param {HTMLButtonElement} button
 */
async function post(root, button) {
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
    response = await fetch(button.dataset.arPost ?? "", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ customer }),
    });
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

/** @param {HTMLElement} root */
function wireActions(root) {
  for (const button of root.querySelectorAll("button[data-ar-post]")) {
    if (!(button instanceof HTMLButtonElement) || !button.dataset.arPost) {
      continue;
    }
    button.addEventListener("click", (event) => {
      event.preventDefault();
      if (!button.disabled) {
        post(root, button).catch((error) => {
          console.error(error);
        });
      }
    });
  }
}

export default {
  onExtensionPageLoad() {
    const root = document.querySelector(".ar");
    if (!(root instanceof HTMLElement)) {
      return;
    }
    wireSorting(root);
    wireSearch(root);
    wireFilters(root);
    wirePreviews(root);
    wireActions(root);
  },
};
