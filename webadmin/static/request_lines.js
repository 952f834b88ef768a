/* The lines of a dispatch request as rows: a code field that finds items and classes as you type
   (Select2 3.5, shipped with Flask-Admin), a quantity, add and remove buttons; rows copied from a
   spreadsheet and pasted into a row or the paste box become rows (read by the server's parser). */
(function ($) {
  "use strict";
  var box = document.getElementById("line-rows");
  if (!box || !$ || !$.fn.select2) { return; }
  var words = (document.getElementById("line-messages") || {}).dataset || {};
  var form = box.closest("form");
  var tbody = box.querySelector("tbody");
  var paste = document.getElementById("lines");
  var activeRow = null;

  function csrf() {
    var input = form && form.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function codeOf(row) { return row.querySelector(".line-code"); }
  function qtyOf(row) { return row.querySelector(".line-qty"); }

  function enhance(row) {
    var input = codeOf(row);
    $(input).select2({
      width: "100%",
      placeholder: box.dataset.placeholder || "",
      minimumInputLength: 1,
      ajax: {
        url: box.dataset.searchUrl,
        dataType: "json",
        quietMillis: 200,
        data: function (term) { return {q: term}; },
        results: function (data) {
          return {results: (data.results || []).map(function (r) { return {id: r.code, text: r.text}; })};
        }
      },
      initSelection: function (element, callback) {
        var value = $(element).val();
        callback(value ? {id: value, text: element.getAttribute("data-label") || value} : null);
      },
      formatSearching: function () { return words.searching || "…"; },
      formatNoMatches: function () { return words.noMatch || ""; },
      formatInputTooShort: function () { return words.tooShort || ""; }
    });
    $(input).on("select2-open", function () { activeRow = row; });
    $(input).on("change", function () { if (input.value) { qtyOf(row).focus(); qtyOf(row).select(); } });
  }

  function addRow(open) {
    var template = document.getElementById("line-row-template");
    tbody.appendChild(template.content.cloneNode(true));
    var row = tbody.lastElementChild;
    enhance(row);
    if (open) { $(codeOf(row)).select2("open"); }
    return row;
  }

  function isEmpty(row) { return !codeOf(row).value && !qtyOf(row).value; }

  function fill(row, item) {
    $(codeOf(row)).select2("data", {id: item.code, text: item.text});
    codeOf(row).setAttribute("data-label", item.text);
    qtyOf(row).value = item.quantity;
  }

  // Rows pasted as text: the server reads them (one parser for the form and this page).
  function takePasted(text, startRow) {
    var body = new FormData();
    body.append("text", text);
    body.append("csrf_token", csrf());
    return fetch(box.dataset.parseUrl, {method: "POST", body: body, credentials: "same-origin",
                                        headers: {"X-CSRFToken": csrf()}})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var row = startRow && isEmpty(startRow) ? startRow : null;
        (data.rows || []).forEach(function (item) {
          if (!row) {
            row = Array.prototype.find.call(tbody.querySelectorAll(".line-row"), isEmpty) || addRow(false);
          }
          fill(row, item);
          row = null;
        });
        showProblems(data.problems || []);
      });
  }

  function showProblems(problems) {
    var old = document.getElementById("paste-problems");
    if (old) { old.remove(); }
    if (!problems.length) { return; }
    var alert = document.createElement("div");
    alert.id = "paste-problems";
    alert.className = "alert alert-warning mt-2";
    alert.textContent = (words.pasteFailed || "") + " ";
    var list = document.createElement("ul");
    list.className = "mb-0";
    problems.forEach(function (p) {
      var li = document.createElement("li");
      li.textContent = p.message;
      list.appendChild(li);
    });
    alert.appendChild(list);
    box.parentNode.insertBefore(alert, box.nextSibling);
    if (paste) {
      var kept = problems.map(function (p) { return p.text; }).join("\n");
      paste.value = paste.value ? paste.value + "\n" + kept : kept;
    }
  }

  function clipboardText(event) {
    var data = event.originalEvent ? event.originalEvent.clipboardData : event.clipboardData;
    return data ? data.getData("text") : "";
  }

  function looksLikeRows(text) { return /[\t\r\n]/.test(text.replace(/\s+$/, "")); }

  Array.prototype.forEach.call(tbody.querySelectorAll(".line-row"), enhance);

  document.getElementById("line-add").addEventListener("click", function () { addRow(true); });

  box.addEventListener("click", function (event) {
    var button = event.target.closest(".line-remove");
    if (!button) { return; }
    var row = button.closest(".line-row");
    if (tbody.querySelectorAll(".line-row").length > 1) {
      $(codeOf(row)).select2("destroy");
      row.remove();
    } else {
      $(codeOf(row)).select2("val", "");
      qtyOf(row).value = "";
    }
  });

  box.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.classList.contains("line-qty")) { return; }
    event.preventDefault();  // Enter in a quantity adds a line instead of sending the form
    var row = event.target.closest(".line-row");
    if (row === tbody.lastElementChild) { addRow(true); } else { $(codeOf(row.nextElementSibling)).select2("open"); }
  });

  // Several rows pasted into a quantity, or into the search box of a code field.
  box.addEventListener("paste", function (event) {
    var text = clipboardText(event);
    if (!event.target.classList.contains("line-qty") || !looksLikeRows(text)) { return; }
    event.preventDefault();
    takePasted(text, event.target.closest(".line-row"));
  });
  $(document).on("paste", ".select2-drop-active input.select2-input", function (event) {
    var text = clipboardText(event);
    if (!looksLikeRows(text) && !/^\S+[\s,=，＝]+\d+\s*$/.test(text)) { return; }
    event.preventDefault();
    var row = activeRow;
    if (row) { $(codeOf(row)).select2("close"); }
    takePasted(text, row);
  });
  if (paste) {
    paste.addEventListener("paste", function (event) {
      var text = clipboardText(event);
      if (!text.trim()) { return; }
      event.preventDefault();
      takePasted(text, null);
    });
  }
}(window.jQuery));
