// Keeps a reflection being written, so nothing typed is lost.
// In this browser on every keystroke (localStorage), and on the server every 30 seconds
// while typing, when the page is hidden, and when "Save draft" is pressed (without a page
// load). Without this script "Save draft" is an ordinary form post and still works.
(function () {
  "use strict";

  var INTERVAL = 30000;

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name && element.name !== "csrfmiddlewaretoken" && element.type !== "submit";
    });
  }

  function snapshot(form) {
    var data = {};
    fields(form).forEach(function (element) {
      if (element.type === "radio" || element.type === "checkbox") {
        if (element.checked) {
          data[element.name] = element.value;
        }
      } else {
        data[element.name] = element.value;
      }
    });
    return data;
  }

  function restore(form, data) {
    fields(form).forEach(function (element) {
      if (element.type === "radio" || element.type === "checkbox") {
        element.checked = data[element.name] === element.value;
      } else if (Object.prototype.hasOwnProperty.call(data, element.name)) {
        element.value = data[element.name];
      }
    });
  }

  function same(one, other) {
    var keys = Object.keys(one).concat(Object.keys(other));
    return keys.every(function (key) {
      return (one[key] || "") === (other[key] || "");
    });
  }

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // Storage switched off: the server copy still works.
    }
  }

  function read(key) {
    var store = storage();
    try {
      return store ? JSON.parse(store.getItem(key) || "null") : null;
    } catch (error) {
      return null;
    }
  }

  function write(key, value) {
    var store = storage();
    try {
      if (store) {
        store.setItem(key, JSON.stringify(value));
      }
    } catch (error) {
      // Full or refused: the server copy still works.
    }
  }

  function forget(key) {
    var store = storage();
    if (store) {
      store.removeItem(key);
    }
  }

  function keep(form) {
    var key = form.dataset.draftKey;
    var status = document.getElementById(form.dataset.draftStatus);
    var dirty = false;
    var saving = false;
    var submitting = false;
    var timer = null;

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function keepHere() {
      write(key, { savedAt: Date.now(), fields: snapshot(form) });
    }

    function save() {
      // Once the form is being sent, a late draft would outlive the saved reflection.
      if (saving || submitting) {
        return;
      }
      saving = true;
      dirty = false;
      var body = new FormData(form);
      body.set("intent", "draft");
      fetch(form.getAttribute("action") || window.location.pathname + window.location.search, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", Accept: "application/json" },
      })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (!response.ok || type.indexOf("application/json") === -1) {
            throw new Error(response.redirected ? "signed-out" : "failed");
          }
          return response.json();
        })
        .then(function (answer) {
          say(answer.message);
        })
        .catch(function (error) {
          dirty = true;
          say(
            error.message === "signed-out"
              ? "You have been signed out. What you typed is kept in this browser: sign in again (in a new tab), then come back and save."
              : "Your draft could not be saved to the server just now. It is kept in this browser and we will try again."
          );
        })
        .then(function () {
          saving = false;
        });
    }

    function changed() {
      dirty = true;
      keepHere();
      if (timer === null) {
        timer = window.setInterval(function () {
          if (dirty) {
            save();
          }
        }, INTERVAL);
      }
    }

    if (form.dataset.draftDiscarded) {
      forget(key);
    }
    // Back from an expired sign-in or a lost connection: put back what was typed here,
    // unless the server holds something newer or the form came back with errors.
    var here = read(key);
    var serverSavedAt = Date.parse(form.dataset.draftSavedAt || "") || 0;
    var cameBackWithErrors = form.querySelector(".field__error") !== null;
    if (here && !cameBackWithErrors && here.savedAt > serverSavedAt && !same(here.fields, snapshot(form))) {
      restore(form, here.fields);
      say("We put back what you typed in this browser at " + new Date(here.savedAt).toLocaleTimeString() + ". It is not saved on the server yet.");
      changed();
    }

    form.addEventListener("submit", function (event) {
      var intent = event.submitter && event.submitter.value;
      if (intent !== "draft") {
        submitting = true;
        keepHere();
      }
    });
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    var button = form.querySelector('button[name="intent"][value="draft"]');
    if (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        keepHere();
        save();
      });
    }
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && dirty) {
        save();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // The reflection was saved: the copy kept in this browser is no longer needed.
    document.querySelectorAll("[data-draft-saved-key]").forEach(function (element) {
      forget(element.dataset.draftSavedKey);
    });
    document.querySelectorAll("form[data-draft-key]").forEach(keep);
  });
})();
