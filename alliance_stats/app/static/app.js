// alliance-stats app: sortable tables and the progress of a run. No framework, nothing fetched from elsewhere.
"use strict";

function sortTable(table, column, kind, button) {
  const body = table.tBodies[0];
  const th = button.closest("th");
  const ascending = th.getAttribute("aria-sort") !== "ascending";
  table.querySelectorAll("th").forEach((cell) => cell.setAttribute("aria-sort", "none"));
  th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  const rows = Array.from(body.rows);
  const key = (row) => {
    const text = row.cells[column].textContent.trim();
    if (kind === "number") {
      const value = parseFloat(text.replace(",", "."));
      return Number.isNaN(value) ? Infinity : value;
    }
    return text.toLowerCase();
  };
  rows.sort((a, b) => {
    const x = key(a), y = key(b);
    const order = x < y ? -1 : x > y ? 1 : 0;
    return ascending ? order : -order;
  });
  rows.forEach((row) => body.appendChild(row));
}

function setUpSorting() {
  document.querySelectorAll("table.sortable").forEach((table) => {
    table.querySelectorAll("thead th button").forEach((button) => {
      const column = Array.from(button.closest("tr").cells).indexOf(button.closest("th"));
      button.addEventListener("click", () => sortTable(table, column, button.dataset.kind, button));
    });
  });
}

function showStatus(box, status) {
  const bar = document.getElementById("progress");
  bar.setAttribute("value", String(status.fraction));
  bar.textContent = `${Math.round(100 * status.fraction)} %`;
  document.getElementById("state").textContent = status.state_label;
  const elapsed = document.getElementById("elapsed");
  elapsed.textContent = elapsed.textContent.replace(/[0-9]+([.,][0-9]+)?/, String(status.elapsed));
  const list = document.getElementById("stages");
  status.stages.forEach((stage) => {
    const item = list.querySelector(`li[data-key="${stage.key}"]`);
    if (item) {
      item.className = `stage ${stage.state}`;
      item.textContent = stage.label;
    }
  });
  box.dataset.state = status.state;
}

function followJob() {
  const box = document.getElementById("job");
  if (!box || box.dataset.state !== "running") return;
  const poll = () => {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", cache: "no-store" })
      .then((response) => response.json())
      .then((status) => {
        showStatus(box, status);
        if (status.state === "running") {
          window.setTimeout(poll, 1000);
        } else {
          window.location.reload();  // the server renders the end: report link or the error with its fix
        }
      })
      .catch(() => window.setTimeout(poll, 3000));
  };
  window.setTimeout(poll, 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  setUpSorting();
  followJob();
});
