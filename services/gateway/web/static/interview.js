/* The interview page: one question at a time, the server's clock, autosave with an offline
   mirror. No framework; the page works from the HTML the server rendered.

   Clock: time left = deadline - (Date.now() + offset), where offset = server time - local time,
   taken from the page once and again from every save's answer. Nothing counts ticks, so a
   throttled background tab still shows the true time when it wakes.

   Saving: every change is written to localStorage at once (marked pending), then sent with a
   short debounce to PUT /api/quiz/sessions/{id}/answers/{position}. Pending answers are replayed
   when the network comes back, and after a reload. */
(function () {
  "use strict";

  var root = document.getElementById("interview");
  if (!root) { return; }

  var api = root.dataset.api;
  var resultUrl = root.dataset.result;
  var sessionId = root.dataset.session;
  var deadline = Date.parse(root.dataset.deadline);
  var offset = Date.parse(root.dataset.serverNow) - Date.now();
  var timeLimitMs = Number(root.dataset.timeLimit) * 1000;
  var storeKey = "interview:" + sessionId;

  var panels = Array.prototype.slice.call(root.querySelectorAll(".question-panel"));
  var navButtons = Array.prototype.slice.call(root.querySelectorAll(".nav-q"));
  var clockEl = document.getElementById("clock");
  var saveEl = document.getElementById("save-state");
  var alertEl = document.getElementById("time-alert");
  var offlineEl = document.getElementById("offline");
  var summaryEl = document.getElementById("summary");
  var answersForm = document.getElementById("answers");

  var TEXT_DELAY_MS = 800;
  var CHOICE_DELAY_MS = 150;
  var RETRY_MS = 5000;
  var URGENT_S = 100;

  var timers = {};
  var inFlight = {};
  var current = 0;
  var finishing = false;
  var offline = !navigator.onLine;
  var announced = { p20: false, p5: false };

  /* ---------- local mirror ---------- */

  function load() {
    try {
      var raw = window.localStorage.getItem(storeKey);
      var data = raw ? JSON.parse(raw) : null;
      if (data && typeof data === "object") {
        data.answers = data.answers || {};
        data.flags = data.flags || {};
        return data;
      }
    } catch (e) { /* storage unavailable or corrupt: start afresh */ }
    return { answers: {}, flags: {} };
  }

  var store = load();

  function persist() {
    try { window.localStorage.setItem(storeKey, JSON.stringify(store)); } catch (e) { /* full */ }
  }

  function pendingPositions() {
    return Object.keys(store.answers).filter(function (p) { return store.answers[p].pending; });
  }

  /* ---------- answers in the controls ---------- */

  function panelFor(position) {
    return root.querySelector('.question-panel[data-position="' + position + '"]');
  }

  function readAnswer(panel) {
    var type = panel.dataset.type;
    if (type === "short" || type === "explain") {
      var text = panel.querySelector("input[type=text], textarea").value;
      return text.trim() === "" ? null : text;
    }
    var checked = Array.prototype.slice.call(panel.querySelectorAll("input:checked"));
    if (type === "multi") {
      return checked.length ? checked.map(function (i) { return i.value; }) : null;
    }
    if (!checked.length) { return null; }
    if (type === "true_false") { return checked[0].value === "true"; }
    return checked[0].value;
  }

  function writeAnswer(panel, answer) {
    var type = panel.dataset.type;
    if (type === "short" || type === "explain") {
      panel.querySelector("input[type=text], textarea").value = answer || "";
      countWords(panel);
      return;
    }
    var wanted = answer === null || answer === undefined ? [] :
      Array.isArray(answer) ? answer : [String(answer)];
    panel.querySelectorAll("input").forEach(function (input) {
      input.checked = wanted.indexOf(input.value) !== -1;
    });
  }

  function isAnswered(panel) {
    var answer = readAnswer(panel);
    return answer !== null && !(Array.isArray(answer) && answer.length === 0);
  }

  function countWords(panel) {
    var counter = panel.querySelector("[data-words]");
    if (!counter) { return; }
    var text = panel.querySelector("textarea").value.trim();
    var n = text ? text.split(/\s+/).length : 0;
    counter.textContent = n + (n === 1 ? " word" : " words");
  }

  /* ---------- navigation ---------- */

  function refreshNavigator() {
    panels.forEach(function (panel, index) {
      var button = navButtons[index];
      var position = panel.dataset.position;
      var answered = isAnswered(panel);
      var flagged = !!store.flags[position];
      button.classList.toggle("answered", answered);
      button.classList.toggle("flagged", flagged);
      var state = (answered ? "answered" : "unanswered") + (flagged ? ", flagged" : "");
      button.setAttribute("aria-label", "Question " + (index + 1) + ", " + state);
      if (index === current) {
        button.setAttribute("aria-current", "step");
      } else {
        button.removeAttribute("aria-current");
      }
      var flagButton = panel.querySelector("[data-flag]");
      flagButton.setAttribute("aria-pressed", flagged ? "true" : "false");
      flagButton.textContent = flagged ? "Remove flag" : "Flag for review";
      panel.querySelector(".flag-badge").hidden = !flagged;
    });
  }

  function show(index, focus) {
    current = Math.max(0, Math.min(panels.length - 1, index));
    panels.forEach(function (panel, i) { panel.hidden = i !== current; });
    summaryEl.hidden = true;
    answersForm.hidden = false;
    refreshNavigator();
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + panels[current].id);
    }
    if (focus) {
      var heading = panels[current].querySelector("h2");
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }

  /* ---------- clock ---------- */

  function remainingMs() {
    return deadline - (Date.now() + offset);
  }

  function format(ms) {
    var total = Math.max(0, Math.ceil(ms / 1000));
    var h = Math.floor(total / 3600);
    var m = Math.floor((total % 3600) / 60);
    var s = total % 60;
    var mm = (m < 10 ? "0" : "") + m;
    var ss = (s < 10 ? "0" : "") + s;
    return (h ? h + ":" + mm : mm) + ":" + ss;
  }

  function spoken(ms) {
    var minutes = Math.round(ms / 60000);
    if (minutes >= 1) { return minutes + (minutes === 1 ? " minute" : " minutes") + " left."; }
    return Math.max(0, Math.round(ms / 1000)) + " seconds left.";
  }

  function tick() {
    var left = remainingMs();
    clockEl.textContent = format(left);
    var fraction = timeLimitMs > 0 ? left / timeLimitMs : 1;
    root.classList.toggle("time-low", fraction <= 0.2);
    root.classList.toggle("time-urgent", left <= URGENT_S * 1000);
    // Screen readers hear the time only at the two thresholds, once each.
    if (!announced.p5 && fraction <= 0.05) {
      announced.p5 = announced.p20 = true;
      alertEl.textContent = "Warning: " + spoken(left);
    } else if (!announced.p20 && fraction <= 0.2) {
      announced.p20 = true;
      alertEl.textContent = spoken(left);
    }
    if (left <= 0 && !finishing) { submit(true); }
  }

  function resync(body) {
    if (body && body.server_now) {
      offset = Date.parse(body.server_now) - Date.now();
    }
    if (body && body.deadline) { deadline = Date.parse(body.deadline); }
  }

  /* ---------- talking to the API ---------- */

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|;\\s*)" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  function csrfToken() { return cookie("csrf_access_token"); }

  /* The access token lives 15 minutes, an interview may last an hour: on a 401 the page trades
     the refresh cookie for a new pair (POST /api/auth/refresh) and tries once more. One tab at a
     time (Web Locks), and not at all when another tab already did (the readable CSRF cookie
     changed): presenting a spent refresh token twice would sign the candidate out everywhere. */
  function refreshSession(usedCsrf) {
    function attempt() {
      var now = csrfToken();
      if (now && now !== usedCsrf) { return Promise.resolve(true); }
      return fetch("/api/auth/refresh", {
        method: "POST",
        headers: { "Accept": "application/json", "X-CSRF-TOKEN": cookie("csrf_refresh_token") },
        credentials: "same-origin"
      }).then(function (response) { return response.ok; });
    }
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("interview-session-refresh", attempt);
    }
    return attempt();
  }

  function request(method, path, body, retried) {
    var used = csrfToken();
    var headers = { "Accept": "application/json", "X-CSRF-TOKEN": used };
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    return fetch(api + path, {
      method: method,
      headers: headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      if (response.status !== 401 || retried) { return response; }
      return refreshSession(used).then(function (renewed) {
        return renewed ? request(method, path, body, true) : response;
      });
    });
  }

  function clockTime(iso) {
    var when = iso ? new Date(iso) : new Date(Date.now() + offset);
    return when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  }

  function setSaveState(text) { saveEl.textContent = text; }

  function goOffline() {
    offline = true;
    var n = pendingPositions().length;
    offlineEl.hidden = false;
    offlineEl.textContent = "You are offline. " + n + (n === 1 ? " answer" : " answers") +
      " will be sent when you are back.";
    setSaveState("Offline: " + n + " unsent");
  }

  function backOnline() {
    offline = false;
    offlineEl.hidden = true;
    replay();
  }

  function closed(response) {
    return response.status === 409 || response.status === 410;
  }

  function send(position) {
    var entry = store.answers[position];
    if (!entry || !entry.pending) { return Promise.resolve(); }
    if (inFlight[position]) { return inFlight[position]; }
    var sent = entry.answer;
    setSaveState("Saving…");
    var done = request("PUT", "/answers/" + position, { answer: sent })
      .then(function (response) {
        if (closed(response)) { goToResult(); return; }
        if (response.status === 401) {
          setSaveState("Signed out: sign in again in another tab; your answers are kept here and sent then.");
          return;
        }
        if (!response.ok) {
          setSaveState("Not saved (" + response.status + "): will retry.");
          return;
        }
        return response.json().then(function (body) {
          resync(body);
          var now = store.answers[position];
          if (now && JSON.stringify(now.answer) === JSON.stringify(sent)) { now.pending = false; }
          persist();
          if (offline) { backOnline(); }
          var left = pendingPositions().length;
          setSaveState(left ? "Saving…" : "Saved at " + clockTime(body.saved_at));
        });
      })
      .catch(function () { goOffline(); })
      .then(function () {
        delete inFlight[position];
        var again = store.answers[position];
        if (again && again.pending && !offline) { schedule(position, CHOICE_DELAY_MS); }
      });
    inFlight[position] = done;
    return done;
  }

  function schedule(position, delay) {
    clearTimeout(timers[position]);
    timers[position] = setTimeout(function () { send(position); }, delay);
  }

  function replay() {
    return Promise.all(pendingPositions().map(function (p) { return send(p); }));
  }

  function changed(event) {
    var panel = event.target.closest(".question-panel");
    if (!panel) { return; }
    var position = panel.dataset.position;
    countWords(panel);
    var answer = readAnswer(panel);
    var entry = store.answers[position];
    // A `change` after `input` (leaving a text box) repeats a value already sent or on its way.
    if (entry && JSON.stringify(entry.answer) === JSON.stringify(answer)) { return; }
    if (!entry && JSON.stringify(answer) === onServer[position]) { return; }
    store.answers[position] = { answer: answer, pending: true };
    persist();
    refreshNavigator();
    if (offline) { goOffline(); return; }
    setSaveState("Saving…");
    var text = panel.dataset.type === "short" || panel.dataset.type === "explain";
    schedule(position, text ? TEXT_DELAY_MS : CHOICE_DELAY_MS);
  }

  /* ---------- finishing ---------- */

  function goToResult() {
    finishing = true;
    try { window.localStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
    window.location.assign(resultUrl);
  }

  function submit(timeUp) {
    finishing = true;
    if (timeUp) { setSaveState("Time is up: submitting…"); }
    pendingPositions().forEach(function (p) { clearTimeout(timers[p]); });
    // Twice: an answer changed while its earlier value was in flight goes out the second time.
    return replay()
      .then(replay)
      .then(function () { return request("POST", "/submit"); })
      .then(function (response) {
        if (response.ok || closed(response)) { goToResult(); return; }
        finishing = false;
        setSaveState("Could not submit (" + response.status + "). Try again.");
      })
      .catch(function () {
        goOffline();
        if (timeUp) {
          // The server finalises the interview at its deadline anyway; stay put until online.
          setSaveState("Time is up. Your saved answers are scored by the server; reconnect to see the result.");
          window.addEventListener("online", function () { submit(true); }, { once: true });
        } else {
          finishing = false;
        }
      });
  }

  function listOf(title, indexes) {
    var box = document.createElement("div");
    if (!indexes.length) { return box; }
    var heading = document.createElement("h3");
    heading.textContent = title;
    var list = document.createElement("ul");
    list.className = "plain inline";
    indexes.forEach(function (i) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button small ghost";
      button.textContent = "Question " + (i + 1);
      button.addEventListener("click", function () { show(i, true); });
      item.appendChild(button);
      list.appendChild(item);
    });
    box.appendChild(heading);
    box.appendChild(list);
    return box;
  }

  function openSummary() {
    var unanswered = [];
    var flagged = [];
    panels.forEach(function (panel, i) {
      if (!isAnswered(panel)) { unanswered.push(i); }
      if (store.flags[panel.dataset.position]) { flagged.push(i); }
    });
    var answered = panels.length - unanswered.length;
    document.getElementById("summary-counts").textContent =
      answered + " of " + panels.length + " questions answered, " + flagged.length + " flagged.";
    var u = document.getElementById("summary-unanswered");
    var f = document.getElementById("summary-flagged");
    u.replaceChildren(listOf("Unanswered", unanswered));
    f.replaceChildren(listOf("Flagged", flagged));
    answersForm.hidden = true;
    summaryEl.hidden = false;
    summaryEl.focus();
  }

  /* ---------- start ---------- */

  // What the server had when the page was rendered.
  var onServer = {};
  panels.forEach(function (panel) {
    onServer[panel.dataset.position] = JSON.stringify(readAnswer(panel));
  });

  // Answers not yet on the server (offline, or a reload before the save) win over the page.
  pendingPositions().forEach(function (position) {
    var panel = panelFor(position);
    if (panel) { writeAnswer(panel, store.answers[position].answer); } else { delete store.answers[position]; }
  });
  panels.forEach(countWords);

  // Thresholds already behind us at load are not announced again.
  var startFraction = timeLimitMs > 0 ? remainingMs() / timeLimitMs : 1;
  announced.p20 = startFraction <= 0.2;
  announced.p5 = startFraction <= 0.05;

  answersForm.addEventListener("input", changed);
  answersForm.addEventListener("change", changed);
  answersForm.addEventListener("submit", function (event) { event.preventDefault(); });
  root.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target) { return; }
    if (target.hasAttribute("data-go")) {
      show(navButtons.indexOf(target), true);
    } else if (target.hasAttribute("data-prev")) {
      show(current - 1, true);
    } else if (target.hasAttribute("data-next")) {
      show(current + 1, true);
    } else if (target.hasAttribute("data-flag")) {
      var position = panels[current].dataset.position;
      store.flags[position] = !store.flags[position];
      persist();
      refreshNavigator();
    } else if (target.id === "finish") {
      openSummary();
    } else if (target.id === "back") {
      show(current, true);
    } else if (target.id === "submit") {
      target.disabled = true;
      submit(false).then(function () { target.disabled = false; });
    }
  });

  // Another tab of the same interview saved something: show it here too.
  window.addEventListener("storage", function (event) {
    if (event.key !== storeKey || !event.newValue) { return; }
    try {
      var other = JSON.parse(event.newValue);
      Object.keys(other.answers || {}).forEach(function (p) {
        var panel = panelFor(p);
        if (panel && panel !== document.activeElement.closest(".question-panel")) {
          writeAnswer(panel, other.answers[p].answer);
        }
      });
      store = other;
      store.flags = store.flags || {};
      refreshNavigator();
    } catch (e) { /* ignore a malformed value */ }
  });
  window.addEventListener("online", backOnline);
  window.addEventListener("offline", goOffline);
  document.addEventListener("visibilitychange", tick);
  setInterval(tick, 250);
  setInterval(function () { if (pendingPositions().length && !finishing) { replay(); } }, RETRY_MS);

  var fromHash = panels.findIndex(function (p) { return "#" + p.id === window.location.hash; });
  show(fromHash >= 0 ? fromHash : 0, false);
  tick();
  if (offline) { goOffline(); } else if (pendingPositions().length) { replay(); }
}());
