// VoiceTrack dashboard: one page that draws the bot's public JSON. No library, no external request.
// Every text from the server goes into the page through textContent, never as HTML.
"use strict";

const METRICS = [["xp", "XP"], ["voiceTime", "Voice time"], ["level", "Level"], ["messages", "Messages"]];
const WINDOWS = [["all", "All time"], ["1d", "Today"], ["7d", "Last 7 days"], ["30d", "Last 30 days"], ["week", "This week"], ["month", "This month"]];
// Rows of a leaderboard page: the server's (Dashboard.LEADERBOARD_PAGE_ROWS), so that the first page
// read here is the one the bot keeps warm in its cache.
const PAGE_SIZE = Number(document.querySelector('meta[name="voicetrack-leaderboard-rows"]').content);

const main = document.getElementById("main");
const liveBadge = document.getElementById("live");
let reload = () => {};

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function svg(tag, attrs, ...children) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

async function getJson(url) {
  const r = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
  return body;
}

function duration(ms) {
  const m = Math.floor(ms / 60000), h = Math.floor(m / 60), d = Math.floor(h / 24);
  if (d > 0) return d + "d " + (h % 24) + "h";
  if (h > 0) return h + "h " + (m % 60) + "m";
  return m + "m";
}

const fmt = new Intl.NumberFormat();
function value(metric, row) {
  if (metric === "voiceTime") return duration(row.voiceTimeMs);
  if (metric === "level") return "Level " + row.level;
  if (metric === "messages") return fmt.format(row.messages);
  return fmt.format(row.xp) + " XP";
}

function avatar(url, cls) {
  const blank = () => el("span", { class: cls || "avatar", "aria-hidden": "true" });
  if (!url) return blank();
  const img = el("img", { class: cls, src: url, alt: "", loading: "lazy" });
  img.addEventListener("error", () => img.replaceWith(blank())); // offline, or an avatar that is gone
  return img;
}

function showError(e) {
  main.replaceChildren(el("p", { class: "error", role: "alert", text: "Could not load: " + e.message }));
}

// ---- guild list ----

/** What the guild list shows, as last drawn: a tick that changes none of it leaves the page as it is. */
let guildListShown = null;

async function guildList() {
  reload = guildList;
  const data = await getJson("/api/guilds");
  document.title = "VoiceTrack";
  // Redrawing an unchanged list would swap its links under a reader's pointer: a click begun on the old
  // link would be lost, and a screen reader would announce the table again.
  const shown = JSON.stringify(data.guilds);
  if (shown === guildListShown && document.getElementById("rows")) return;
  guildListShown = shown;
  const rows = data.guilds.map(g => el("tr", {},
    el("td", {}, el("a", { href: "/dashboard/guilds/" + g.id, text: g.name || g.id })),
    el("td", { class: "num", text: fmt.format(g.trackedMembers) }),
    el("td", { class: "num", text: g.membersInVoice === null ? "–" : fmt.format(g.membersInVoice) })));
  main.replaceChildren(el("h1", { text: "Guilds" }),
    el("div", { class: "card" }, el("table", {},
      el("caption", { class: "sr-only", text: "Guilds this bot tracks" }),
      el("thead", {}, el("tr", {}, el("th", { text: "Guild" }), el("th", { class: "num", text: "Members tracked" }),
        el("th", { class: "num", text: "In voice now" }))),
      el("tbody", { id: "rows" }, ...rows))));
}

// ---- leaderboard ----

async function leaderboard(guild) {
  const params = new URLSearchParams(location.search);
  const state = {
    metric: params.get("metric") || "xp",
    window: params.get("window") || "all",
    page: Math.max(0, parseInt(params.get("page") || "0", 10) || 0),
    me: params.get("me"),
  };
  const metricSel = el("select", { id: "metric" }, ...METRICS.map(([k, t]) => el("option", { value: k, text: t })));
  const windowSel = el("select", { id: "window" }, ...WINDOWS.map(([k, t]) => el("option", { value: k, text: t })));
  metricSel.value = state.metric;
  windowSel.value = state.window;
  const search = el("input", { id: "search", type: "search", placeholder: "Find a member", autocomplete: "off" });
  const found = el("ul", { id: "found", class: "muted" });
  const tbody = el("tbody", { id: "rows" });
  const prev = el("button", { id: "prev", type: "button", text: "Previous" });
  const next = el("button", { id: "next", type: "button", text: "Next" });
  const pageInfo = el("span", { id: "page", class: "muted" });
  const title = el("h1", { text: "Leaderboard" });
  main.replaceChildren(title,
    el("p", {}, el("a", { id: "overviewLink", href: "/dashboard/guilds/" + guild + "/overview", text: "Guild overview →" })),
    el("div", { class: "controls" },
      el("label", {}, "Rank by", metricSel),
      el("label", {}, "Period", windowSel),
      el("form", { role: "search", onsubmit: e => { e.preventDefault(); find(); } },
        el("label", {}, "Member", search))),
    found,
    el("div", { class: "card" }, el("table", {},
      el("caption", { class: "sr-only", text: "Members by rank" }),
      el("thead", {}, el("tr", {}, el("th", { class: "num", text: "#" }), el("th", { text: "Member" }),
        el("th", { id: "valueHead", class: "num", text: "XP" }), el("th", { class: "hide-narrow", text: "Level" }),
        el("th", { class: "num hide-narrow", text: "Voice" }), el("th", { class: "num hide-narrow", text: "Messages" }))),
      tbody),
      el("div", { class: "pager" }, prev, pageInfo, next)));

  function push() {
    const p = new URLSearchParams();
    if (state.metric !== "xp") p.set("metric", state.metric);
    if (state.window !== "all") p.set("window", state.window);
    if (state.page > 0) p.set("page", String(state.page));
    if (state.me) p.set("me", state.me);
    history.replaceState(null, "", location.pathname + (p.toString() ? "?" + p : ""));
  }

  async function draw() {
    const q = new URLSearchParams({ metric: state.metric, window: state.window, limit: PAGE_SIZE, offset: state.page * PAGE_SIZE });
    const [data, guilds] = await Promise.all([getJson("/api/guilds/" + guild + "/leaderboard?" + q), getJson("/api/guilds")]);
    const g = guilds.guilds.find(x => x.id === guild);
    title.textContent = "Leaderboard · " + ((g && g.name) || guild);
    document.title = title.textContent + " · VoiceTrack";
    document.getElementById("valueHead").textContent = METRICS.find(m => m[0] === state.metric)[1];
    tbody.replaceChildren(...data.entries.map(r => {
      const who = el("a", { class: "who", href: "/dashboard/guilds/" + guild + "/members/" + r.userId },
        avatar(r.avatarUrl), el("span", { text: r.name || ("Member " + r.userId) }));
      return el("tr", { class: r.userId === state.me ? "me" : null, "aria-current": r.userId === state.me ? "true" : null },
        el("td", { class: "num", text: String(r.rank) }), el("td", {}, who),
        el("td", { class: "num", text: value(state.metric, r) }),
        el("td", { class: "hide-narrow", text: String(r.level) }),
        el("td", { class: "num hide-narrow", text: duration(r.voiceTimeMs) }),
        el("td", { class: "num hide-narrow", text: fmt.format(r.messages) }));
    }));
    if (data.entries.length === 0) {
      tbody.replaceChildren(el("tr", {}, el("td", { colspan: 6, class: "muted", text: "Nobody on this page yet." })));
    }
    const pages = Math.max(1, Math.ceil((data.members || 0) / PAGE_SIZE));
    pageInfo.textContent = "Page " + (state.page + 1) + (data.members !== undefined ? " of " + pages : "");
    prev.disabled = state.page === 0;
    next.disabled = data.entries.length < PAGE_SIZE;
  }

  async function find() {
    const q = search.value.trim();
    if (!q) { found.replaceChildren(); return; }
    const data = await getJson("/api/guilds/" + guild + "/members?q=" + encodeURIComponent(q));
    found.replaceChildren(...(data.members.length ? data.members.map(m => el("li", {},
      el("a", { href: "/dashboard/guilds/" + guild + "/members/" + m.userId, text: m.name }), " · rank " + m.rank))
      : [el("li", { text: "No tracked member matches." })]));
  }

  metricSel.addEventListener("change", () => { state.metric = metricSel.value; state.page = 0; push(); draw().catch(showError); });
  windowSel.addEventListener("change", () => { state.window = windowSel.value; state.page = 0; push(); draw().catch(showError); });
  prev.addEventListener("click", () => { state.page = Math.max(0, state.page - 1); push(); draw().catch(showError); });
  next.addEventListener("click", () => { state.page += 1; push(); draw().catch(showError); });
  reload = draw;
  await draw();
}

// ---- member profile ----

function barChart(id, label, days, pick, cls, unit) {
  const w = 600, h = 160, pad = 18, n = days.length;
  const max = Math.max(1, ...days.map(pick));
  const bw = (w - pad) / n;
  const total = days.reduce((s, d) => s + pick(d), 0);
  const chart = svg("svg", { id, class: "chart", viewBox: "0 0 " + w + " " + h, role: "img",
    "aria-label": label + ": " + unit(total) + " over " + n + " days, most on one day " + unit(max) });
  chart.append(svg("title", {}, label));
  days.forEach((d, i) => {
    const v = pick(d);
    const bh = v === 0 ? 0 : Math.max(1, (h - pad) * v / max);
    const r = svg("rect", { class: cls, x: (pad + i * bw + 1).toFixed(1), y: (h - pad - bh).toFixed(1),
      width: Math.max(1, bw - 2).toFixed(1), height: bh.toFixed(1) });
    r.append(svg("title", {}, d.day + ": " + unit(v)));
    chart.append(r);
  });
  chart.append(svg("text", { x: pad, y: h - 4 }, days[0].day),
    svg("text", { x: w, y: h - 4, "text-anchor": "end" }, days[n - 1].day));
  const table = el("table", {}, el("thead", {}, el("tr", {}, el("th", { text: "Day" }), el("th", { class: "num", text: label }))),
    el("tbody", {}, ...days.map(d => el("tr", {}, el("td", { text: d.day }), el("td", { class: "num", text: unit(pick(d)) })))));
  return el("div", {}, chart, el("details", {}, el("summary", { text: "Show as a table" }), table));
}

function progress(percent) {
  const fill = el("i", {});
  fill.style.width = percent.toFixed(1) + "%"; // through the CSSOM: the page's policy refuses inline style attributes
  return fill;
}

async function profile(guild, user) {
  const params = new URLSearchParams(location.search);
  let days = params.get("days") === "90" ? 90 : 30;
  const daySel = el("select", { id: "days" }, el("option", { value: "30", text: "Last 30 days" }), el("option", { value: "90", text: "Last 90 days" }));
  daySel.value = String(days);
  const body = el("div", {});
  main.replaceChildren(body);

  async function draw() {
    const p = await getJson("/api/guilds/" + guild + "/users/" + user + "/profile?days=" + days);
    const name = p.name || ("Member " + p.userId);
    document.title = name + " · VoiceTrack";
    const span = Math.max(1, p.nextLevelXp - p.levelXp);
    const into = Math.min(span, Math.max(0, p.xp - p.levelXp));
    const stat = (v, l) => el("div", { class: "stat" }, el("b", { text: v }), el("span", { text: l }));
    const rank = m => p.ranks[m] ? "#" + p.ranks[m] : "–";
    body.replaceChildren(
      el("p", {}, el("a", { href: "/dashboard/guilds/" + guild + "?me=" + p.userId, text: "← Leaderboard" })),
      el("div", { class: "profile-head" },
        avatar(p.avatarUrl, "avatar"),
        el("div", {}, el("h1", { id: "name", text: name }),
          el("div", { class: "muted", id: "levelLine", text: "Level " + p.level + " · " + fmt.format(p.xp) + " XP · " +
            fmt.format(Math.max(0, p.nextLevelXp - p.xp)) + " XP to level " + (p.level + 1) }),
          el("div", { class: "bar", role: "progressbar", "aria-label": "Progress to the next level",
            "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": String(Math.round(100 * into / span)) },
            progress(100 * into / span)))),
      el("h2", { text: "Ranks" }),
      el("div", { class: "grid", id: "ranks" }, stat(rank("xp"), "XP"), stat(rank("voiceTime"), "Voice time"),
        stat(rank("messages"), "Messages"), stat(rank("level"), "Level")),
      el("h2", { text: "Totals" }),
      el("div", { class: "grid", id: "totals", "data-voice-ms": String(p.voiceTimeMs) }, stat(duration(p.voiceTimeMs), "in voice"), stat(fmt.format(p.sessions), "sessions"),
        stat(fmt.format(p.messages), "messages"), stat(p.streak + (p.streak === 1 ? " day" : " days"), "streak")),
      el("div", { class: "controls" }, el("label", {}, "Period", daySel)),
      el("h2", { text: "Voice time per day" }),
      el("div", { class: "card" }, barChart("voiceChart", "Voice time", p.days, d => d.voiceTimeMs, "v", duration)),
      el("h2", { text: "XP per day" }),
      el("div", { class: "card" }, barChart("xpChart", "XP", p.days, d => d.xp, "x", v => fmt.format(v) + " XP")),
      el("h2", { text: "Time per channel" }),
      el("div", { class: "card" }, el("table", {}, el("thead", {}, el("tr", {}, el("th", { text: "Channel" }),
        el("th", { class: "num", text: "Voice time" }), el("th", { class: "num", text: "Sessions" }))),
        el("tbody", { id: "channels" }, ...p.channels.map(c => el("tr", {}, el("td", { text: c.name || "a private channel" }),
          el("td", { class: "num", text: duration(c.voiceTimeMs) }), el("td", { class: "num", text: fmt.format(c.sessions) })))))),
      el("h2", { text: "Recent sessions" }),
      el("div", { class: "card" }, el("table", {}, el("thead", {}, el("tr", {}, el("th", { text: "Channel" }),
        el("th", { text: "Started" }), el("th", { class: "num", text: "Length" }))),
        el("tbody", { id: "sessions" }, ...p.recentSessions.map(s => el("tr", {}, el("td", { text: s.channel || "a private channel" }),
          el("td", { text: new Date(s.start).toLocaleString() + (s.end ? "" : " (now)") }),
          el("td", { class: "num", text: duration(s.durationMs) })))))));
  }
  daySel.addEventListener("change", () => {
    days = parseInt(daySel.value, 10);
    history.replaceState(null, "", location.pathname + (days === 90 ? "?days=90" : ""));
    draw().catch(showError);
  });
  reload = draw;
  await draw();
}

// ---- guild overview ----

const DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** Hour of day × day of week, one cell per hour, darker for more; with the same figures as a table. */
function heatmap(grid, label, unit) {
  const cw = 22, ch = 22, left = 34, top = 16, w = left + 24 * cw, h = top + 7 * ch;
  const max = Math.max(1, ...grid.flat());
  const total = grid.flat().reduce((a, b) => a + b, 0);
  let best = [0, 0];
  grid.forEach((row, d) => row.forEach((v, hr) => { if (v > grid[best[0]][best[1]]) best = [d, hr]; }));
  const chart = svg("svg", { id: "heatmap", class: "chart heat", viewBox: "0 0 " + w + " " + h, role: "img",
    "aria-label": label + " by day of week and hour: " + unit(total) + " in all" + (total > 0
      ? ", busiest " + DAY_NAMES[best[0]] + " " + String(best[1]).padStart(2, "0") + ":00 with " + unit(grid[best[0]][best[1]]) : "") });
  chart.append(svg("title", {}, label + " by day of week and hour"));
  for (let hr = 0; hr < 24; hr += 3) chart.append(svg("text", { x: left + hr * cw + 2, y: 11 }, String(hr).padStart(2, "0")));
  grid.forEach((row, d) => {
    chart.append(svg("text", { x: 0, y: top + d * ch + 15 }, DAY_NAMES[d]));
    row.forEach((v, hr) => {
      const r = svg("rect", { class: v > 0 ? "cell on" : "cell", x: left + hr * cw + 1, y: top + d * ch + 1, width: cw - 2, height: ch - 2,
        "fill-opacity": v > 0 ? (0.15 + 0.85 * v / max).toFixed(2) : "1", "data-value": String(v) });
      r.append(svg("title", {}, DAY_NAMES[d] + " " + String(hr).padStart(2, "0") + ":00: " + unit(v)));
      chart.append(r);
    });
  });
  const table = el("table", { id: "heatTable" },
    el("thead", {}, el("tr", {}, el("th", { text: "Day" }), ...Array.from({ length: 24 }, (_, hr) => el("th", { class: "num", text: String(hr) })))),
    el("tbody", {}, ...grid.map((row, d) => el("tr", {}, el("th", { text: DAY_NAMES[d] }),
      ...row.map(v => el("td", { class: "num", text: v === 0 ? "" : unit(v) }))))));
  return el("div", {}, chart, el("details", {}, el("summary", { text: "Show as a table" }), el("div", { class: "scroll" }, table)));
}

async function overview(guild) {
  const params = new URLSearchParams(location.search);
  let days = ["7", "90"].includes(params.get("days")) ? parseInt(params.get("days"), 10) : 30;
  let metric = params.get("heat") === "messages" ? "messages" : "voiceMs";
  const daySel = el("select", { id: "days" }, el("option", { value: "7", text: "Last 7 days" }),
    el("option", { value: "30", text: "Last 30 days" }), el("option", { value: "90", text: "Last 90 days" }));
  daySel.value = String(days);
  const heatSel = el("select", { id: "heatMetric" }, el("option", { value: "voiceMs", text: "Voice time" }),
    el("option", { value: "messages", text: "Messages" }));
  heatSel.value = metric;
  const body = el("div", {});
  main.replaceChildren(body);

  async function draw() {
    const o = await getJson("/api/guilds/" + guild + "/overview?days=" + days);
    const name = o.name || ("Guild " + o.guildId);
    document.title = "Overview · " + name + " · VoiceTrack";
    const stat = (v, l, id) => el("div", { class: "stat" }, el("b", { id, text: v }), el("span", { text: l }));
    const totalVoice = o.trend.reduce((a, d) => a + d.voiceTimeMs, 0), totalMsgs = o.trend.reduce((a, d) => a + d.messages, 0);
    const unit = metric === "messages" ? v => fmt.format(v) : duration;
    body.replaceChildren(
      el("p", {}, el("a", { href: "/dashboard/guilds/" + guild, text: "← Leaderboard" })),
      el("h1", { id: "overviewTitle", text: "Overview · " + name }),
      el("p", { class: "muted", text: "Times in the guild's time zone, " + o.timeZone + "." }),
      el("div", { class: "grid", id: "overviewStats" },
        stat(fmt.format(o.trackedMembers), "members tracked", "trackedMembers"),
        stat(o.membersInVoice === null ? "–" : fmt.format(o.membersInVoice), "in voice now", "inVoice"),
        stat(duration(totalVoice), "in voice, last " + days + " days"),
        stat(fmt.format(totalMsgs), "messages, last " + days + " days")),
      el("div", { class: "controls" }, el("label", {}, "Period", daySel), el("label", {}, "Heatmap of", heatSel)),
      el("h2", { text: "When the guild is active" }),
      el("div", { class: "card" }, heatmap(o.heatmap[metric], metric === "messages" ? "Messages" : "Voice time", unit)),
      el("h2", { text: "Busiest channels" }),
      el("div", { class: "card" }, el("table", {}, el("thead", {}, el("tr", {}, el("th", { text: "Channel" }),
        el("th", { class: "num", text: "Voice time" }), el("th", { class: "num", text: "Messages" }))),
        el("tbody", { id: "busiest" }, ...(o.busiestChannels.length ? o.busiestChannels.map(c => el("tr", {},
          el("td", { text: c.name || "other and private channels" }), el("td", { class: "num", text: duration(c.voiceTimeMs) }),
          el("td", { class: "num", text: fmt.format(c.messages) })))
          : [el("tr", {}, el("td", { colspan: 3, class: "muted", text: "No activity in this period yet." }))])))),
      el("h2", { text: "Voice time per day" }),
      el("div", { class: "card" }, barChart("trendChart", "Voice time", o.trend, d => d.voiceTimeMs, "v", duration)),
      el("h2", { text: "Messages per day" }),
      el("div", { class: "card" }, barChart("messageTrend", "Messages", o.trend, d => d.messages, "x", v => fmt.format(v))));
  }
  const push = () => {
    const p = new URLSearchParams();
    if (days !== 30) p.set("days", String(days));
    if (metric !== "voiceMs") p.set("heat", metric);
    history.replaceState(null, "", location.pathname + (p.toString() ? "?" + p : ""));
  };
  daySel.addEventListener("change", () => { days = parseInt(daySel.value, 10); push(); draw().catch(showError); });
  heatSel.addEventListener("change", () => { metric = heatSel.value; push(); draw().catch(showError); });
  reload = draw;
  await draw();
}

// ---- admin console ----

async function postJson(url, csrf, body) {
  const r = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf || "" },
    body: JSON.stringify(body || {}) });
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(data.error || ("HTTP " + r.status));
  return data;
}

function bytes(n) {
  if (n < 0) return "unknown";
  const units = ["B", "KB", "MB", "GB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
}

function hitRateChart(samples) {
  const w = 600, h = 120, n = Math.max(1, samples.length);
  const chart = svg("svg", { id: "hitRateChart", class: "chart", viewBox: "0 0 " + w + " " + h, role: "img" });
  const rates = samples.map(s => s.hits + s.misses === 0 ? null : 100 * s.hits / (s.hits + s.misses));
  const known = rates.filter(r => r !== null);
  chart.setAttribute("aria-label", known.length
    ? "Cache hit rate per 10 s over the last " + samples.length + " steps: latest " + known[known.length - 1].toFixed(1) + "%, lowest " + Math.min(...known).toFixed(1) + "%"
    : "No cache reads yet");
  chart.append(svg("title", {}, "Cache hit rate over time"));
  const bw = w / n;
  rates.forEach((r, i) => {
    if (r === null) return;
    const bh = Math.max(1, (h - 4) * r / 100);
    const rect = svg("rect", { class: "v", x: (i * bw).toFixed(1), y: (h - bh).toFixed(1), width: Math.max(1, bw - 1).toFixed(1), height: bh.toFixed(1) });
    rect.append(svg("title", {}, samples[i].at + ": " + r.toFixed(1) + "%"));
    chart.append(rect);
  });
  return chart;
}

/** Links that download every member of a guild in the format `voicetrack import` takes back. */
function exportForm(guilds) {
  const pick = el("select", { id: "exportGuild" }, ...guilds.guilds.map(g => el("option", { value: g.id, text: (g.name || g.id) + " (" + g.trackedMembers + ")" })));
  const csv = el("a", { id: "exportCsv", text: "CSV" }), json = el("a", { id: "exportJson", text: "JSON" });
  const point = () => {
    csv.href = "/api/console/export?format=csv&guild=" + encodeURIComponent(pick.value);
    json.href = "/api/console/export?format=json&guild=" + encodeURIComponent(pick.value);
  };
  pick.addEventListener("change", point);
  point();
  return el("div", { class: "controls" }, el("label", {}, "Guild", pick), el("span", {}, "Download: ", csv, " · ", json));
}

async function adminConsole() {
  reload = () => Promise.resolve();
  document.title = "Admin console · VoiceTrack";
  let csrf = null;
  const status = el("p", { id: "consoleStatus", role: "status", "aria-live": "polite", class: "muted" });
  // The guild whose options and rewards are shown; kept across redraws.
  let settingsGuild = null;
  const session = await getJson("/api/console/session");
  if (session.signedIn) {
    csrf = session.csrf;
    return drawConsole();
  }
  const token = el("input", { id: "token", type: "password", autocomplete: "current-password", required: true });
  const form = el("form", { id: "login", class: "card" },
    el("label", {}, "Admin token (ADMIN_API_TOKEN)", token), " ", el("button", { type: "submit", text: "Sign in" }), status);
  form.addEventListener("submit", async e => {
    e.preventDefault();
    try {
      csrf = (await postJson("/api/console/login", null, { token: token.value })).csrf;
      await drawConsole();
    } catch (err) {
      status.textContent = err.message;
      status.className = "error";
    }
  });
  main.replaceChildren(el("h1", { text: "Admin console" }), form);
  token.focus();

  async function act(label, url, body, done) {
    try {
      const r = await postJson(url, csrf, body);
      status.className = "muted";
      status.textContent = label + ": done" + (r.removed !== undefined && r.removed !== true ? " (" + r.removed + " removed)" : "")
        + (r.entriesBefore !== undefined ? " (" + r.entriesBefore + " entries dropped)" : "") + (done ? done(r) : "");
      if (url !== "/api/console/logout") await keepingFocus(drawConsole);
    } catch (err) {
      status.className = "error";
      status.textContent = label + " failed: " + err.message;
    }
  }

  /** One form per option, with the value as /config set takes it; the server checks it with /config set's own code. */
  function optionForms(g, s) {
    const base = "/api/console/guilds/" + encodeURIComponent(g);
    return el("div", { id: "options", class: "options" }, ...Object.entries(s.options).map(([name, v]) => {
      const id = "opt-" + name.replace(/\./g, "-");
      const input = v === "true" || v === "false"
        ? el("select", { id, name }, el("option", { value: "true", text: "true", selected: v === "true" }), el("option", { value: "false", text: "false", selected: v === "false" }))
        : el("input", { id, name, value: v, autocomplete: "off", spellcheck: "false" });
      const form = el("form", { class: "option" }, el("label", { for: id, text: name }), input,
        el("button", { type: "submit", id: "save-" + id.slice(4), text: "Save", "aria-label": "Save " + name }));
      form.addEventListener("submit", e => { e.preventDefault(); act("Set " + name, base + "/options", { option: name, value: input.value }, r => " (now " + r.value + ")"); });
      return form;
    }));
  }

  /** The rewards as /rewards list shows them, broken roles marked, each role removable; and the add form. */
  function rewardSection(g, s) {
    const base = "/api/console/guilds/" + encodeURIComponent(g);
    const at = r => r.trigger === "level" ? "level " + r.threshold : r.threshold + (r.threshold === 1 ? " hour" : " hours") + " in voice";
    const list = s.rewards.length === 0 ? el("p", { id: "rewards", class: "muted", text: "No level rewards yet." })
      : el("ul", { id: "rewards", class: "rewards" }, ...s.rewards.map(r => el("li", { class: "reward" },
          el("span", { text: "At " + at(r) + (r.stacks ? " (stacks)" : " (replaced by the next)") + ": " }),
          ...r.roles.map(role => el("span", { class: "role" + (role.broken ? " broken" : "") },
            el("span", { text: "@" + (role.name || role.id) }),
            role.broken ? el("span", { class: "error", text: " ⚠ broken: " + role.broken }) : null,
            s.rewardsEditable ? el("button", { type: "button", class: "small", text: "Remove", "aria-label": "Remove @" + (role.name || role.id) + " from the reward at " + at(r),
              onclick: () => act("Remove reward", base + "/rewards/remove", { trigger: r.trigger, threshold: String(r.threshold), roleId: role.id }) }) : null)))));
    if (!s.rewardsEditable) return el("div", {}, list, el("p", { class: "muted", text: "The bot is not in this guild: rewards are roles it gives there." }));
    const trigger = el("select", { id: "rewardTrigger" }, el("option", { value: "level", text: "Level" }), el("option", { value: "voiceHours", text: "Hours in voice" }));
    const threshold = el("input", { id: "rewardThreshold", type: "number", min: "1", step: "1", required: true, inputmode: "numeric" });
    const role = el("select", { id: "rewardRole" }, ...s.roles.map(r => el("option", { value: r.id, text: "@" + r.name })));
    const mode = el("select", { id: "rewardMode" }, el("option", { value: "stack", text: "Stacks (kept)" }), el("option", { value: "replace", text: "Replaced by the next" }));
    const add = el("form", { id: "addReward", class: "controls" }, el("label", {}, "When", trigger), el("label", {}, "Reaches", threshold),
      el("label", {}, "Give role", role), el("label", {}, "Mode", mode), el("button", { type: "submit", id: "rewardAdd", text: "Add reward" }));
    add.addEventListener("submit", e => { e.preventDefault(); act("Add reward", base + "/rewards", { trigger: trigger.value, threshold: threshold.value, roleId: role.value, mode: mode.value }); });
    const sync = el("button", { type: "button", id: "rewardSync", text: "Sync members now" });
    sync.addEventListener("click", () => act("Sync", base + "/rewards/sync", {},
      r => r.done ? " (" + r.members + " members, " + r.added + " roles given, " + r.removed + " taken)" : " (still running in the background)"));
    return el("div", {}, list, add, el("div", { class: "controls" }, sync));
  }

  async function guildSettings(guilds) {
    if (guilds.guilds.length === 0) return el("p", { class: "muted", text: "No guild yet." });
    if (!guilds.guilds.some(g => g.id === settingsGuild)) settingsGuild = guilds.guilds[0].id;
    const s = await getJson("/api/console/guilds/" + encodeURIComponent(settingsGuild) + "/settings");
    const pick = el("select", { id: "settingsGuild" }, ...guilds.guilds.map(g => el("option", { value: g.id, selected: g.id === settingsGuild,
      text: (g.name || g.id) + (g.publicDashboard ? "" : " (private)") })));
    pick.addEventListener("change", () => { settingsGuild = pick.value; keepingFocus(drawConsole).catch(showError); });
    return el("section", { id: "guildSettings", "aria-labelledby": "guildSettingsHead" },
      el("h2", { id: "guildSettingsHead", text: "Guild settings" }),
      el("div", { class: "controls" }, el("label", {}, "Guild", pick)),
      el("p", { class: "muted", text: "Options as /config set takes them: true or false, numbers, ids separated by commas, none to clear. "
        + "publicDashboard false hides the guild's public pages." }),
      el("h3", { text: "Tracking options" }), optionForms(settingsGuild, s),
      el("h3", { text: "Level rewards" }), rewardSection(settingsGuild, s));
  }

  async function drawConsole() {
    const [o, guilds] = await Promise.all([getJson("/api/console/overview"), getJson("/api/console/guilds")]);
    const settings = await guildSettings(guilds);
    const tag = el("input", { id: "tag", placeholder: "guild:123…" });
    const invalidate = el("form", { class: "controls" }, el("label", {}, "Invalidate a tag", tag),
      el("button", { type: "submit", text: "Invalidate" }));
    invalidate.addEventListener("submit", e => { e.preventDefault(); act("Invalidate " + tag.value, "/api/console/cache/invalidate", { tag: tag.value }); });
    const button = (id, text, fn, enabled) => {
      const b = el("button", { id, type: "button", text, disabled: enabled === false });
      b.addEventListener("click", fn);
      return b;
    };
    const stat = (v, l, id) => el("div", { class: "stat" }, el("b", { id, text: v }), el("span", { text: l }));
    main.replaceChildren(
      el("div", { class: "controls" }, el("h1", { text: "Admin console" }),
        button("logout", "Sign out", async () => { await act("Sign out", "/api/console/logout"); location.reload(); })),
      status,
      el("h2", { text: "Cache · " + o.cache.name }),
      el("div", { class: "grid" }, stat(o.cache.hitRatePercent + "%", "hit rate", "hitRate"), stat(fmt.format(o.cache.size), "entries", "cacheSize"),
        stat(fmt.format(o.cache.hits), "hits"), stat(fmt.format(o.cache.misses), "misses"), stat(bytes(o.cache.estimatedBytes), "estimated size")),
      el("div", { class: "card" }, hitRateChart(o.hitRateHistory)),
      el("div", { class: "controls" }, button("clear", "Clear the cache", () => act("Clear", "/api/console/cache/clear")),
        button("warm", "Warm now", () => act("Warm", "/api/console/cache/warm"))),
      invalidate,
      el("h2", { text: "Storage · " + o.storage.backend }),
      el("div", { class: "grid" }, stat(fmt.format(o.storage.guilds || 0), "guilds"), stat(fmt.format(o.storage.members || 0), "members"),
        stat(fmt.format(o.storage.sessions || 0), "sessions"), stat(bytes(o.storage.sizeBytes === undefined ? -1 : o.storage.sizeBytes), "size")),
      el("div", { class: "controls" },
        button("optimize", "Optimize", () => act("Optimize", "/api/console/storage/optimize"), o.storage.canOptimize),
        button("backup", "Back up now", () => act("Backup", "/api/console/backups"), o.storage.canBackUp)),
      settings,
      el("h2", { text: "Export members" }),
      exportForm(guilds),
      el("h2", { text: "Backups" }),
      o.backups.length === 0 ? el("p", { class: "muted", text: o.storage.canBackUp ? "No backups yet." : "This storage is backed up with its server's own tools." })
        : el("div", { class: "card" }, el("table", {}, el("thead", {}, el("tr", {}, el("th", { text: "File" }), el("th", { text: "Kind" }),
            el("th", { text: "Written" }), el("th", { class: "num", text: "Size" }))),
          el("tbody", { id: "backups" }, ...o.backups.slice().reverse().map(b => el("tr", {},
            el("td", {}, el("a", { href: "/api/console/backups/" + encodeURIComponent(b.name), download: b.name, text: b.name })),
            el("td", { text: b.kind }), el("td", { text: new Date(b.createdMillis).toLocaleString() }),
            el("td", { class: "num", text: bytes(b.sizeBytes) })))))));
    main.dataset.console = "ready";
  }
}

// ---- live updates ----

/** Runs a redraw and gives the focus back to the same control or link, so keyboard users keep their place. */
async function keepingFocus(redraw) {
  const a = document.activeElement;
  const id = a && a.id, href = a && a.getAttribute && a.getAttribute("href");
  await redraw();
  if (document.activeElement !== a || !document.contains(a)) {
    const again = id ? document.getElementById(id) : href ? main.querySelector('a[href="' + CSS.escape(href) + '"]') : null;
    if (again) again.focus({ preventScroll: true });
  }
}

/**
 * Whether a tick can change this page: a leaderboard or profile skips the ticks that name other guilds only
 * (an event without "guilds" may concern any guild); the lists and the overview, which show who is in voice, always reload.
 */
function concerns(data) {
  const parts = location.pathname.replace(/\/+$/, "").split("/").filter(Boolean);
  const guildPage = parts[1] === "guilds" && (parts.length === 3 || parts[3] === "members");
  return !guildPage || !Array.isArray(data.guilds) || data.guilds.includes(parts[2]);
}

function listen() {
  const source = new EventSource("/api/events");
  let ticks = 0;
  source.addEventListener("open", () => { liveBadge.classList.add("on"); liveBadge.textContent = "live"; });
  source.addEventListener("tick", e => {
    ticks += 1;
    const data = JSON.parse(e.data);
    (concerns(data) ? keepingFocus(reload) : Promise.resolve()).then(() => {
      liveBadge.textContent = "live · updated " + new Date(data.at).toLocaleTimeString();
      liveBadge.dataset.ticks = String(ticks);
    }).catch(showError);
  });
  source.addEventListener("error", () => { liveBadge.classList.remove("on"); liveBadge.textContent = "reconnecting…"; });
}

function route() {
  const parts = location.pathname.replace(/\/+$/, "").split("/").filter(Boolean); // dashboard, guilds, G, members|overview, U
  if (parts.length === 1) return guildList();
  if (parts.length === 2 && parts[1] === "admin") return adminConsole();
  if (parts.length === 3 && parts[1] === "guilds") return leaderboard(parts[2]);
  if (parts.length === 4 && parts[1] === "guilds" && parts[3] === "overview") return overview(parts[2]);
  if (parts.length === 5 && parts[1] === "guilds" && parts[3] === "members") return profile(parts[2], parts[4]);
  main.replaceChildren(el("p", { class: "error", text: "No such page." }));
  return Promise.resolve();
}

route().then(() => { main.dataset.ready = "true"; }).catch(showError);
listen();
