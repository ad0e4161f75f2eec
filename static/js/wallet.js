// Wallet enhancements. Every form here also works without this file (plain POST and reload).
(function () {
  "use strict";

  // --- Import: send files one by one and show each result without reloading -------------------
  var form = document.getElementById("import-form");
  if (form && window.fetch && window.FormData) {
    var results = document.getElementById("import-results");
    var list = results.querySelector(".result-list");
    var fileInput = document.getElementById("id_files");
    var dropzone = document.getElementById("dropzone");
    var labels = {
      ok: form.dataset.okLabel, refused: form.dataset.refusedLabel, open: form.dataset.openLabel,
      pending: form.dataset.pendingLabel
    };

    // An import runs in the background: ask how it went until it is done, then show the outcome.
    var follow = function (item, statusUrl) {
      var ask = function () {
        fetch(statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (result) {
            if (result.pending) { window.setTimeout(ask, 1000); return; }
            item.replaceWith(render(result));
          })
          .catch(function () { window.setTimeout(ask, 3000); });
      };
      window.setTimeout(ask, 500);
    };

    var render = function (result) {
      var item = document.createElement("li");
      item.className = "result " + (result.pending ? "result-pending" : result.ok ? "result-ok" : "result-refused");
      var head = document.createElement("strong");
      head.textContent = result.pending ? labels.pending : result.ok ? labels.ok : labels.refused;
      item.appendChild(head);
      if (result.label) {
        var label = document.createElement("span");
        label.className = "result-label";
        label.textContent = result.label;
        item.appendChild(label);
      }
      var message = document.createElement("span");
      message.className = "result-message";
      message.textContent = result.message;
      item.appendChild(message);
      if (result.url) {
        var link = document.createElement("a");
        link.href = result.url;
        link.textContent = labels.open;
        item.appendChild(link);
      }
      if (result.pending && result.status_url) { follow(item, result.status_url); }
      return item;
    };

    var showResult = function (result) {
      list.appendChild(render(result));
      results.hidden = false;
    };

    // Items still being checked when the page was drawn (a plain reload) update by themselves too.
    document.querySelectorAll("li.result-pending[data-status-url]").forEach(function (item) {
      follow(item, item.dataset.statusUrl);
    });

    var send = function (data) {
      data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
      return fetch(form.action, { method: "POST", body: data, headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok && response.status !== 429) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (body) { body.results.forEach(showResult); })
        .catch(function () { showResult({ ok: false, message: form.dataset.failedLabel }); });
    };

    var importFiles = function (files) {
      var chain = Promise.resolve();
      Array.prototype.forEach.call(files, function (file) {
        chain = chain.then(function () {
          var data = new FormData();
          data.append("files", file, file.name);
          return send(data);
        });
      });
      return chain;
    };

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      list.innerHTML = "";
      var chain = importFiles(fileInput.files);
      ["url", "payload"].forEach(function (name) {
        var field = form.elements[name];
        if (field && field.value.trim()) {
          chain = chain.then(function () {
            var data = new FormData();
            data.append(name, field.value);
            return send(data);
          });
        }
      });
      chain.then(function () {
        button.disabled = false;
        form.reset();
      });
    });

    // Dropped files are imported straight away.
    ["dragenter", "dragover"].forEach(function (type) {
      dropzone.addEventListener(type, function (event) { event.preventDefault(); dropzone.classList.add("dragging"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      dropzone.addEventListener(type, function () { dropzone.classList.remove("dragging"); });
    });
    dropzone.addEventListener("drop", function (event) {
      event.preventDefault();
      list.innerHTML = "";
      importFiles(event.dataTransfer.files);
    });
  }

  // --- Portfolio order: drag and drop (the Up/Down buttons remain for keyboards) -------------
  var entries = document.querySelector(".entry-list");
  if (entries && window.fetch) {
    var dragged = null;
    var status = document.querySelector(".order-status");
    var saveOrder = function () {
      var order = Array.prototype.map.call(entries.querySelectorAll(".entry"), function (li) { return li.dataset.badge; });
      var data = new FormData();
      data.append("order", order.join(","));
      data.append("csrfmiddlewaretoken", entries.dataset.csrf);
      fetch(entries.dataset.orderUrl, { method: "POST", body: data, headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { if (status) { status.textContent = response.ok ? entries.dataset.savedLabel : entries.dataset.failedLabel; } });
    };
    entries.addEventListener("dragstart", function (event) {
      dragged = event.target.closest(".entry");
      if (!dragged) { return; }
      dragged.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.dataset.badge);
    });
    entries.addEventListener("dragover", function (event) {
      var target = event.target.closest(".entry");
      if (!dragged || !target || target === dragged) { return; }
      event.preventDefault();
      var box = target.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      entries.insertBefore(dragged, after ? target.nextSibling : target);
    });
    entries.addEventListener("dragend", function () {
      if (!dragged) { return; }
      dragged.classList.remove("dragging");
      dragged = null;
      saveOrder();
    });
  }

  // --- Sharing: copy link, and the phone's own share sheet where there is one -----------------
  Array.prototype.forEach.call(document.querySelectorAll(".share"), function (box) {
    var copy = box.querySelector("[data-copy]");
    var native = box.querySelector("[data-native-share]");
    var said = box.querySelector(".copy-status");
    if (copy && navigator.clipboard) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(copy.dataset.copy).then(function () { said.textContent = box.dataset.copiedLabel; });
      });
    }
    if (native && navigator.share) {
      native.hidden = false;
      native.addEventListener("click", function () {
        navigator.share({ title: box.dataset.shareTitle, url: box.dataset.shareUrl }).catch(function () {});
      });
    }
  });

  // --- Print button on the printout page -------------------------------------------------------
  var printButton = document.querySelector("[data-print]");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }
})();
