// Roost's progressive enhancement. Every form works without this file; with it,
// the composer counts characters as the server does, post actions swap in place,
// and timelines update live over server-sent events.
"use strict";

(function () {
  var URL_LENGTH = 23;
  var URL_RE = /(?<![\w/])(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]])/gi;
  var REMOTE_MENTION_RE = /(?<![\w@/])@([A-Za-z0-9_]{1,30})@[\w.-]+\.\w+(?![\w@])/g;

  // Mirrors roost.text.count_length: links count as 23, remote mentions by their local part.
  function countLength(text) {
    var t = text.replace(/\r\n/g, "\n").trim();
    t = t.replace(URL_RE, "x".repeat(URL_LENGTH));
    t = t.replace(REMOTE_MENTION_RE, "@$1");
    return Array.from(t).length;
  }

  function setupCounter(area) {
    var counter = document.getElementById(area.dataset.counter);
    var limit = parseInt(area.dataset.limit, 10);
    var form = area.form;
    var submit = form && form.querySelector("button[type=submit]");
    function update() {
      var left = limit - countLength(area.value);
      counter.textContent = left + (left === 1 || left === -1 ? " character left" : " characters left");
      counter.classList.toggle("over", left < 0);
      if (submit) submit.disabled = left < 0;
      if (left < 0) area.setAttribute("aria-invalid", "true");
      else if (!area.dataset.serverError) area.removeAttribute("aria-invalid");
    }
    area.addEventListener("input", update);
    update();
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  function markFresh(nodes) {
    nodes.forEach(function (node) {
      if (node.classList) node.classList.add("fresh");
    });
  }

  function prependPosts(html) {
    var timeline = document.getElementById("timeline");
    if (!timeline) return [];
    var content = fragment(html);
    var articles = Array.prototype.filter.call(content.children, function (el) {
      return el.matches("article.post") && !document.getElementById(el.id);
    });
    if (timeline.dataset.order === "chronological") {
      // A chat page reads oldest first: new posts go at the bottom.
      articles.forEach(function (el) {
        timeline.appendChild(el);
        live.forget(el.dataset.id);
      });
    } else {
      articles.slice().reverse().forEach(function (el) {
        timeline.insertBefore(el, timeline.firstChild);
        live.forget(el.dataset.id);
      });
    }
    markFresh(articles);
    var empty = document.getElementById("timeline-empty");
    if (empty && articles.length) empty.remove();
    return articles;
  }

  function send(form) {
    return fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Roost-Fragment": "1" },
      credentials: "same-origin",
    });
  }

  function onComposerSubmit(form, event) {
    event.preventDefault();
    var area = form.querySelector("textarea");
    var error = form.querySelector(".error");
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    send(form)
      .then(function (response) {
        return response.text().then(function (text) {
          if (!response.ok) {
            error.textContent = text.trim();
            error.hidden = false;
            area.setAttribute("aria-invalid", "true");
            area.dataset.serverError = "1";
            area.focus();
            return;
          }
          error.hidden = true;
          error.textContent = "";
          delete area.dataset.serverError;
          area.removeAttribute("aria-invalid");
          area.value = area.dataset.prefill || "";
          area.dispatchEvent(new Event("input"));
          clearPictures(form);
          prependPosts(text);
        });
      })
      .catch(function () { form.submit(); })
      .finally(function () { button.disabled = countLength(area.value) > parseInt(area.dataset.limit, 10); });
  }

  function onPostActionSubmit(form, event) {
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    event.preventDefault();
    var article = form.closest("article.post");
    var focusedLabel = document.activeElement && document.activeElement.getAttribute("aria-label");
    var action = form.action;
    send(form)
      .then(function (response) {
        if (!response.ok) { form.submit(); return; }
        return response.text().then(function (html) {
          var replacement = fragment(html).querySelector("article.post");
          if (!replacement) { article.remove(); return; }
          article.replaceWith(replacement);
          // Keep keyboard focus on the same button after the swap.
          var again = replacement.querySelector("form[action='" + action.replace(/^https?:\/\/[^/]+/, "") + "'] button") ||
            Array.prototype.find.call(replacement.querySelectorAll("button"), function (b) {
              return (b.getAttribute("aria-label") || "").split(" (")[0] === (focusedLabel || "").split(" (")[0];
            });
          if (again) again.focus();
        });
      })
      .catch(function () { form.submit(); });
  }

  // Pictures in the composer: warn before posting one without a description.
  function undescribedPictures(form) {
    return Array.prototype.filter.call(form.querySelectorAll("input[type=file][data-alt]"), function (input) {
      var alt = document.getElementById(input.dataset.alt);
      return input.files && input.files.length && alt && !alt.value.trim();
    }).length;
  }

  function clearPictures(form) {
    form.querySelectorAll("input[type=file][data-alt]").forEach(function (input) {
      input.value = "";
      var alt = document.getElementById(input.dataset.alt);
      if (alt) alt.value = "";
    });
    var box = form.querySelector("details.pictures");
    if (box) box.open = false;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.classList.contains("composer") && undescribedPictures(form) &&
        !window.confirm("A picture has no description, so people who cannot see it will not know what it shows. Post anyway?")) {
      event.preventDefault();
      return;
    }
    if (form.dataset.confirm && form.dataset.enhance !== "post" && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (!window.fetch) return;
    if (form.dataset.enhance === "compose") onComposerSubmit(form, event);
    else if (form.dataset.enhance === "post") onPostActionSubmit(form, event);
  });

  // Live timelines: the stream names post IDs; the page asks for the HTML.
  var live = {
    pending: [],
    context: "public",
    bar: null,
    forget: function (id) {
      var i = live.pending.indexOf(id);
      if (i >= 0) live.pending.splice(i, 1);
      live.render();
    },
    render: function () {
      if (!live.bar) return;
      var n = live.pending.length;
      live.bar.hidden = n === 0;
      live.bar.textContent = n === 1 ? "Show 1 new post" : "Show " + n + " new posts";
    },
    load: function (ids) {
      if (!ids.length) return Promise.resolve([]);
      var query = ids.map(function (id) { return "id=" + encodeURIComponent(id); }).join("&");
      query += "&context=" + live.context;
      return fetch("/live/posts?" + query, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          ids.forEach(function (id) { live.forget(id); });
          return prependPosts(html);
        });
    },
  };

  function setupLive(timeline) {
    if (!window.EventSource) return;
    var mode = timeline.dataset.liveMode;
    // The filters the page applied (home, or public for explore and hashtags) apply to what it adds.
    live.context = timeline.dataset.live.indexOf("/live/home") === 0 ? "home" : "public";
    live.bar = document.getElementById("new-posts");
    if (live.bar) {
      live.bar.addEventListener("click", function () {
        live.load(live.pending.slice()).then(function (articles) {
          if (articles.length) {
            var first = articles[0].querySelector(".who");
            if (first) first.focus();
          }
        });
      });
    }
    var source = new EventSource(timeline.dataset.live);
    source.addEventListener("update", function (event) {
      var id = event.data;
      if (document.getElementById("post-" + id) || live.pending.indexOf(id) >= 0) return;
      if (mode === "auto") {
        live.load([id]);
      } else {
        live.pending.push(id);
        live.render();
      }
    });
    source.addEventListener("delete", function (event) {
      var el = document.getElementById("post-" + event.data);
      if (el) el.remove();
      live.forget(event.data);
    });
    document.documentElement.dataset.live = "connecting";
    source.addEventListener("open", function () { document.documentElement.dataset.live = "open"; });
  }

  // Unread badges, and the inbox or conversation on screen, follow the viewer's
  // notifications and messages over one stream per page.
  function setBadges(counts) {
    document.querySelectorAll("[data-unread]").forEach(function (badge) {
      var text = counts[badge.dataset.unread] || "";
      badge.querySelector(".n").textContent = text;
      badge.hidden = !text;
    });
  }

  function refreshCounts() {
    return fetch("/live/unread/counts", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (counts) { if (counts) setBadges(counts); })
      .catch(function () {});
  }

  function fetchFragment(url) {
    return fetch(url, { credentials: "same-origin", headers: { "X-Roost-Fragment": "1" } })
      .then(function (r) { return r.ok ? r.text() : null; });
  }

  function refreshInbox(list) {
    return fetchFragment(list.dataset.inbox).then(function (html) {
      if (html === null) return;
      list.replaceChildren(fragment(html));
      var empty = document.getElementById("conversations-empty");
      if (empty && list.children.length) empty.remove();
      delete list.dataset.pending;
    });
  }

  function refreshConversation(thread) {
    return fetchFragment("/messages/" + thread.dataset.conversation).then(function (html) {
      if (html === null) return;
      var added = Array.prototype.filter.call(fragment(html).children, function (el) {
        return el.matches("article.post") && !document.getElementById(el.id);
      });
      if (!added.length) return;
      var empty = thread.querySelector(".empty");
      if (empty) empty.remove();
      added.forEach(function (el) { thread.appendChild(el); });
      markFresh(added);
      refreshCounts();  // reading it here marked it read
    });
  }

  function setupUnread(link) {
    if (!window.EventSource || !window.fetch) return;
    var inbox = document.querySelector("[data-inbox]");
    var thread = document.querySelector("[data-conversation]");
    var source = new EventSource(link.dataset.unreadLive);
    var fresh = true;
    source.addEventListener("unread", function (event) {
      setBadges(JSON.parse(event.data));
      // The first counts of a connection come after it subscribed: catch up on what
      // changed while the page loaded or the connection was down.
      if (fresh && inbox && (inbox.dataset.pending || document.documentElement.dataset.unreadStream)) refreshInbox(inbox);
      if (fresh && thread && document.documentElement.dataset.unreadStream) refreshConversation(thread);
      fresh = false;
      document.documentElement.dataset.unreadStream = "open";
    });
    source.addEventListener("conversation", function (event) {
      if (inbox) refreshInbox(inbox);
      if (thread && thread.dataset.conversation === event.data) refreshConversation(thread);
    });
    source.addEventListener("error", function () { fresh = true; });
  }

  // Keeps "5m" true while the page stays open; the exact time is in the title.
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function ago(date, now) {
    var seconds = Math.floor((now - date) / 1000);
    if (seconds < 60) return Math.max(seconds, 0) + "s";
    if (seconds < 3600) return Math.floor(seconds / 60) + "m";
    if (seconds < 86400) return Math.floor(seconds / 3600) + "h";
    if (seconds < 7 * 86400) return Math.floor(seconds / 86400) + "d";
    var text = MONTHS[date.getUTCMonth()] + " " + date.getUTCDate();
    return date.getUTCFullYear() === now.getUTCFullYear() ? text : text + ", " + date.getUTCFullYear();
  }
  function refreshTimes() {
    var now = new Date();
    document.querySelectorAll("time[datetime]").forEach(function (el) {
      var date = new Date(el.getAttribute("datetime"));
      if (!isNaN(date)) el.textContent = ago(date, now);
    });
  }

  // The search form answers as one types: the same GET the form would send, with the
  // results fragment swapped in and the address kept in step (so Back and reload work).
  function setupSearch(form) {
    var results = document.getElementById(form.dataset.searchLive);
    var timer = null;
    var latest = 0;
    function run() {
      var query = new URLSearchParams(new FormData(form)).toString();
      var mine = ++latest;
      fetch(form.action + "?" + query, {
        credentials: "same-origin",
        headers: { "X-Roost-Fragment": "1" },
      })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          if (mine !== latest) return; // an answer to an older query: a newer one is coming
          results.replaceChildren(fragment(html));
          history.replaceState(null, "", form.action + "?" + query);
        })
        .catch(function () {});
    }
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, 250);
    });
  }

  function init() {
    document.querySelectorAll("textarea[data-counter]").forEach(setupCounter);
    window.setInterval(refreshTimes, 30000);
    var timeline = document.querySelector("[data-live]");
    if (timeline) setupLive(timeline);
    var unread = document.querySelector("[data-unread-live]");
    if (unread) setupUnread(unread);
    document.querySelectorAll("form[data-search-live]").forEach(setupSearch);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
