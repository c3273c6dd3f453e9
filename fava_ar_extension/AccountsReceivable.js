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
 * - `<select data-ar-param="status">` reloads the page with that query parameter, keeping
 *   Fava's filters (time, account...) as they are in the URL.
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
  for (const select of root.querySelectorAll("select[data-ar-param]")) {
    if (!(select instanceof HTMLSelectElement)) {
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

export default {
  onExtensionPageLoad() {
    const root = document.querySelector(".ar");
    if (!(root instanceof HTMLElement)) {
      return;
    }
    wireSorting(root);
    wireSearch(root);
    wireFilters(root);
  },
};
