/* Progressive enhancement for the dashboard; every page works without it.
   Drag-and-drop upload, busy buttons, in-place table sorting, clickable rows, delete confirm. */
(function () {
  "use strict";

  function formatSize(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + " KB";
    return (bytes / 1024 / 1024).toFixed(1) + " MB";
  }

  function initDropzone(zone) {
    var input = zone.querySelector("input[type=file]");
    var label = zone.querySelector("[data-file-name]");
    if (!input) return;
    function show() {
      var files = Array.prototype.slice.call(input.files || []);
      label.textContent = files.length ? "Selected: " + files.map(function (file) {
        return file.name + " (" + formatSize(file.size) + ")";
      }).join(", ") : "";
      zone.classList.toggle("has-file", files.length > 0);
    }
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) {
        event.preventDefault();
        zone.classList.add("is-dragover");
      });
    });
    ["dragleave", "dragend"].forEach(function (type) {
      zone.addEventListener(type, function (event) {
        if (!zone.contains(event.relatedTarget)) zone.classList.remove("is-dragover");
      });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("is-dragover");
      var files = event.dataTransfer && event.dataTransfer.files;
      if (files && files.length) {
        input.files = files;
        show();
      }
    });
    input.addEventListener("change", show);
    // A file dropped beside the zone would make the browser navigate away to open it.
    ["dragover", "drop"].forEach(function (type) {
      window.addEventListener(type, function (event) {
        if (!zone.contains(event.target)) event.preventDefault();
      });
    });
    show();
  }

  function initBusy(form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("[data-busy-text]");
      if (!button) return;
      // After this submit goes out: disabling first would drop the button from the form data.
      window.setTimeout(function () {
        button.setAttribute("data-label", button.textContent);
        button.disabled = true;
        button.textContent = button.getAttribute("data-busy-text");
      }, 0);
    });
  }

  function cellValue(row, index, type) {
    var cell = row.cells[index];
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
    if (type === "number") {
      var n = parseFloat(raw);
      return isNaN(n) ? null : n;
    }
    return raw.trim().toLowerCase();
  }

  function initSortable(table) {
    if (!table.hasAttribute("data-client-sort")) return; // several pages: the links sort server-side
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (th, index) {
      var link = th.querySelector(".sort-link");
      if (!th.hasAttribute("data-sort-key") || !link) return;
      link.setAttribute("role", "button");
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var type = th.getAttribute("data-sort-type");
        var current = th.getAttribute("aria-sort");
        var descending = current ? current === "ascending" : type === "number";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index, type), y = cellValue(b, index, type);
          if (x === null && y === null) return 0;
          if (x === null) return 1; // unknown values last, either direction
          if (y === null) return -1;
          var order = x < y ? -1 : x > y ? 1 : 0;
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      });
    });
  }

  function initRowLinks(table) {
    table.addEventListener("click", function (event) {
      if (event.target.closest("a, button, input, summary")) return;
      if (window.getSelection && String(window.getSelection()).length) return;
      var row = event.target.closest("tr[data-href]");
      if (row) window.location.assign(row.getAttribute("data-href"));
    });
  }

  function initConfirm(form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
        return;
      }
      var flag = document.createElement("input");
      flag.type = "hidden";
      flag.name = "confirmed";
      flag.value = "1";
      form.appendChild(flag);
    });
  }

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  document.addEventListener("DOMContentLoaded", function () {
    each("[data-dropzone]", initDropzone);
    each("form", initBusy);
    each("table[data-sortable]", initSortable);
    each("table[data-sortable]", initRowLinks);
    each("form[data-confirm]", initConfirm);
  });

  // Coming back with the browser's Back button: undo the busy state of the page we left.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    each("[data-busy-text][data-label]", function (button) {
      button.disabled = false;
      button.textContent = button.getAttribute("data-label");
    });
  });
})();
