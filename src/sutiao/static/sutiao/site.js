// What the pages do beyond Bootstrap and htmx, in one file: the Content Security Policy (settings.base) allows
// no inline script, so behaviour is declared with data- attributes and attached here.
(function () {
  "use strict";

  // A <select data-searchable> with more options than this gets a search box.
  const SEARCHABLE_FROM = 8;

  // Bootstrap's look for form fields Django renders bare; pages with dense forms ask for the small size.
  function styleFields(root) {
    const small = document.body.dataset.formSize === "sm";
    root.querySelectorAll("form input, form select, form textarea").forEach(function (el) {
      const type = (el.getAttribute("type") || "").toLowerCase();
      if (["hidden", "submit", "button", "reset", "image"].includes(type)) return;
      if (Array.from(el.classList).some(function (c) { return c.startsWith("form-") || c.startsWith("btn"); })) return;
      if (type === "checkbox" || type === "radio") { el.classList.add("form-check-input"); return; }
      const base = el.tagName === "SELECT" ? "form-select" : "form-control";
      el.classList.add(base);
      if (small) el.classList.add(base + "-sm");
    });
  }

  function attach(root) {
    styleFields(root);
    // <select data-submit-on-change>: e.g. the language switcher.
    root.querySelectorAll("[data-submit-on-change]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    // <select data-navigate-on-change>: each option's value is a URL.
    root.querySelectorAll("[data-navigate-on-change]").forEach(function (el) {
      el.addEventListener("change", function () { if (el.value) window.location.href = el.value; });
    });
    // <select data-searchable="placeholder">: a long list of choices (a dashboard's mediators, courts) gets a box
    // above it that narrows the options to those whose name contains what is typed; the first option (全部) and the
    // one selected always stay. Options are taken out rather than hidden: phones' pickers ignore hidden options.
    root.querySelectorAll("select[data-searchable]").forEach(function (select) {
      if (select.options.length <= SEARCHABLE_FROM || select.dataset.searchReady) return;
      select.dataset.searchReady = "1";
      const all = Array.from(select.options);
      const box = document.createElement("input");
      box.type = "search";
      box.className = "form-control form-control-sm mb-1";
      box.placeholder = select.dataset.searchable;
      box.setAttribute("aria-label", select.dataset.searchable);
      box.dataset.searchFor = select.name;
      select.before(box);
      box.addEventListener("input", function () {
        const words = box.value.trim().toLowerCase();
        const chosen = select.value;
        select.replaceChildren.apply(select, all.filter(function (option, i) {
          return i === 0 || option.value === chosen || option.text.toLowerCase().includes(words);
        }));
        select.value = chosen;
      });
    });
    root.querySelectorAll("[data-print]").forEach(function (el) {
      el.addEventListener("click", function () { window.print(); });
    });
    // <button data-add="prefix">: one more form of a Django formset, from <template id="prefix-template">,
    // appended to the element named by data-into.
    root.querySelectorAll("[data-add]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        const prefix = btn.dataset.add;
        const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
        const html = document.getElementById(prefix + "-template").innerHTML.replaceAll("__prefix__", total.value);
        document.getElementById(btn.dataset.into).insertAdjacentHTML("beforeend", html);
        total.value = Number(total.value) + 1;
        styleFields(document);
      });
    });
  }

  // Phones: each cell of a table is named by its column's header (site.css stacks the rows as cards).
  function labelCells(root) {
    root.querySelectorAll("table").forEach(function (table) {
      const heads = table.tHead ? Array.from(table.tHead.rows[0].cells).map(function (th) { return th.textContent.trim(); }) : [];
      if (!heads.length) return;
      Array.from(table.tBodies).forEach(function (body) {
        Array.from(body.rows).forEach(function (row) {
          Array.from(row.cells).forEach(function (cell, i) {
            if (!cell.hasAttribute("data-label") && heads[i] && cell.colSpan === 1) cell.dataset.label = heads[i];
          });
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    attach(document);
    labelCells(document);
    // <button data-toggle-menu="id">: folds and unfolds the header's menu on a phone.
    document.querySelectorAll("[data-toggle-menu]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        const open = document.getElementById(btn.dataset.toggleMenu).classList.toggle("show");
        btn.setAttribute("aria-expanded", String(open));
      });
    });
  });
  // A passkey just registered (django-otp-webauthn's script, accounts/passkeys.html): show it in the list.
  document.addEventListener("otp_webauthn.register_complete", function () { window.location.reload(); });
  // Content htmx swaps in gets the same treatment.
  document.addEventListener("htmx:load", function (event) {
    if (event.detail.elt !== document.body) { attach(event.detail.elt); labelCells(event.detail.elt); }
  });
})();
