// The audio/video room's client: WebRTC between the browsers of one room (a mesh: mediation rooms are small),
// signalling through sutiao.media over a WebSocket. The page's config (#room-config) carries the signalling
// address, a short-lived ticket, the ICE servers; #room-text the sentences shown, in the page's language.
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("room-config").textContent);
  const T = JSON.parse(document.getElementById("room-text").textContent);
  const $ = (sel) => document.querySelector(sel);
  const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  const pcs = new Map(); // seat → RTCPeerConnection
  const pending = new Map(); // seat → ICE candidates that came before the offer/answer
  const streams = new Map(); // seat → remote MediaStream
  let ws = null, me = null, state = null, ticket = cfg.ticket, over = false, local = new MediaStream();
  let recorder = null, audioContext = null, poorChecks = 0, audioOnly = false, screen = null;

  function status(text, kind) {
    const el = $("#room-status");
    el.textContent = text;
    el.className = "alert py-2 small mb-2 alert-" + (kind || "info");
  }
  function flash(text, kind) {
    const el = $("#room-flash");
    el.textContent = text;
    el.className = "alert py-2 small mb-2 alert-" + (kind || "warning");
    el.hidden = false;
  }
  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }

  // --- devices ---
  async function startMedia() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      flash(T.insecure, "danger");
      return;
    }
    try {
      local = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
    } catch (e) {
      if (e.name === "NotAllowedError" || e.name === "SecurityError") {
        flash(T.denied, "danger");
      } else {
        try {
          local = await navigator.mediaDevices.getUserMedia({ audio: true });
          flash(T.noCamera);
        } catch (e2) {
          flash(e2.name === "NotAllowedError" ? T.denied : T.noDevice, "danger");
        }
      }
    }
    $("#local-video").srcObject = local;
  }

  // --- peers ---
  function videoFor(seat) {
    let box = document.querySelector('[data-seat="' + seat + '"]');
    if (!box) {
      box = document.createElement("figure");
      box.className = "room-tile";
      box.dataset.seat = seat;
      box.dataset.testid = "remote";
      const video = document.createElement("video");
      video.autoplay = true;
      video.playsInline = true;
      const caption = document.createElement("figcaption");
      caption.className = "small";
      box.append(video, caption);
      $("#videos").append(box);
    }
    const info = state && (state.seats || []).find((s) => s.seat === seat);
    box.querySelector("figcaption").textContent = info ? info.label : "";
    return box.querySelector("video");
  }
  function dropPeer(seat) {
    const pc = pcs.get(seat);
    if (pc) pc.close();
    pcs.delete(seat);
    pending.delete(seat);
    streams.delete(seat);
    const box = document.querySelector('[data-seat="' + seat + '"]');
    if (box) box.remove();
  }
  function makePeer(seat) {
    const pc = new RTCPeerConnection({ iceServers: cfg.iceServers });
    local.getTracks().forEach((track) => pc.addTrack(track, local));
    pc.onicecandidate = (e) => send({ type: "signal", to: seat, data: { candidate: e.candidate ? e.candidate.toJSON() : null } });
    pc.ontrack = (e) => {
      const stream = e.streams[0] || new MediaStream([e.track]);
      streams.set(seat, stream);
      const video = videoFor(seat);
      if (video.srcObject !== stream) video.srcObject = stream;
      video.play().catch(() => flash(T.clickForSound));
    };
    pcs.set(seat, pc);
    return pc;
  }
  async function call(seat, pc) {
    if (!local.getAudioTracks().length) pc.addTransceiver("audio", { direction: "recvonly" });
    if (!local.getVideoTracks().length) pc.addTransceiver("video", { direction: "recvonly" });
    await pc.setLocalDescription(await pc.createOffer());
    send({ type: "signal", to: seat, data: { sdp: pc.localDescription.toJSON() } });
  }
  function syncPeers(ids) {
    for (const seat of [...pcs.keys()]) if (!ids.includes(seat)) dropPeer(seat);
    for (const seat of ids) {
      if (pcs.has(seat)) continue;
      const pc = makePeer(seat);
      videoFor(seat);
      if (me.seat < seat) call(seat, pc).catch((e) => console.error(e)); // the smaller seat offers: no glare
    }
  }
  async function onSignal(from, data) {
    const pc = pcs.get(from) || makePeer(from);
    if (data.sdp) {
      await pc.setRemoteDescription(data.sdp);
      if (data.sdp.type === "offer") {
        await pc.setLocalDescription(await pc.createAnswer());
        send({ type: "signal", to: from, data: { sdp: pc.localDescription.toJSON() } });
      }
      for (const c of pending.get(from) || []) await pc.addIceCandidate(c);
      pending.delete(from);
    } else if (data.candidate) {
      if (pc.remoteDescription) await pc.addIceCandidate(data.candidate);
      else pending.set(from, [...(pending.get(from) || []), data.candidate]);
    }
  }

  // --- what the server says ---
  function onState(message) {
    state = message;
    me = message.me;
    if (!me.admitted) status(T.waiting, "warning");
    else if (message.room.split) status(me.group === "m" ? T.mediatorAlone : T.caucus, "primary");
    else status(T.inRoom, "success");
    $("#recording-badge").hidden = !message.room.recording;
    $("#consent-box").hidden = me.consented;
    renderSeats(message);
    if (me.mediator) renderHost(message);
    syncPeers(me.admitted ? message.peers : []);
    if (me.mediator) keepRecorder(message.room.recording);
  }
  function renderSeats(message) {
    const list = $("#seat-list");
    list.replaceChildren(
      ...(message.seats || [])
        .filter((s) => s.here !== false && !s.removed)
        .map((s) => {
          const li = document.createElement("li");
          li.textContent = s.label + (s.admitted === false ? T.waitingMark : "");
          return li;
        })
    );
  }
  function button(text, onClick, kind) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-sm btn-" + (kind || "outline-primary");
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }
  function renderHost(message) {
    const rows = (message.seats || []).filter((s) => !s.mediator && !s.removed);
    $("#host-seats").replaceChildren(
      ...rows.map((s) => {
        const li = document.createElement("li");
        li.className = "d-flex flex-wrap gap-1 align-items-center mb-1";
        li.dataset.testid = "host-seat";
        li.dataset.label = s.label;
        const name = document.createElement("span");
        name.textContent = s.label + " · " + (s.here ? T.online : T.offline) + (s.verified ? "" : " · " + T.unverified);
        li.append(name);
        if (!s.admitted) li.append(button(T.admit, () => send({ type: "control", op: "admit", seat: s.seat })));
        else li.append(button(T.mute, () => send({ type: "control", op: "mute", seat: s.seat }), "outline-secondary"));
        const reason = document.createElement("input");
        reason.className = "form-control form-control-sm w-auto";
        reason.placeholder = T.removeReason;
        reason.setAttribute("aria-label", T.removeReason);
        li.append(reason, button(T.remove, () => send({ type: "control", op: "remove", seat: s.seat, reason: reason.value }), "outline-danger"));
        return li;
      })
    );
    $("#host-split").replaceChildren(
      ...(message.parties || []).map((p) => button(T.caucusWith.replace("%s", p.name), () => send({ type: "control", op: "split", party: p.id }))),
      button(T.merge, () => send({ type: "control", op: "merge" }), "outline-secondary")
    );
  }

  // --- recording: the mediator's browser records the room together (a caucus is never recorded) ---
  let inherited = null; // a recording already running when this page came (another tab's): not this page's to make
  function keepRecorder(recordingId) {
    if (inherited === null) {
      inherited = recordingId || "";
      if (recordingId) flash(T.recordingElsewhere);
    }
    if (recordingId && !recorder && recordingId !== inherited) startRecorder(recordingId);
    if (!recordingId && recorder) stopRecorder();
    if (!recordingId && inherited) {
      // Stopped here, made elsewhere: keep what reached the platform (the other tab may have been closed).
      finish(inherited);
      inherited = "";
    }
  }
  function startRecorder(id) {
    const canvas = document.createElement("canvas");
    canvas.width = 640;
    canvas.height = 360;
    const g = canvas.getContext("2d");
    const timer = setInterval(() => {
      const videos = [...document.querySelectorAll("#videos video")];
      const cols = Math.ceil(Math.sqrt(videos.length || 1)), rows = Math.ceil((videos.length || 1) / cols);
      g.fillStyle = "#000";
      g.fillRect(0, 0, 640, 360);
      videos.forEach((v, i) => {
        try { g.drawImage(v, (i % cols) * 640 / cols, Math.floor(i / cols) * 360 / rows, 640 / cols, 360 / rows); } catch (e) { /* not playing yet */ }
      });
    }, 200);
    audioContext = audioContext || new AudioContext();
    const mix = audioContext.createMediaStreamDestination();
    [local, ...streams.values()].forEach((s) => { if (s.getAudioTracks().length) audioContext.createMediaStreamSource(s).connect(mix); });
    const stream = new MediaStream([...canvas.captureStream(5).getVideoTracks(), ...mix.stream.getAudioTracks()]);
    const rec = new MediaRecorder(stream, { mimeType: "video/webm", videoBitsPerSecond: 300000, audioBitsPerSecond: 32000 });
    // Each part goes to the platform as it is made (in order, retried): a long session never makes one huge upload,
    // and a closed tab loses at most the last part.
    let sent = Promise.resolve(), number = 0;
    rec.ondataavailable = (e) => {
      if (!e.data.size) return;
      const n = number++;
      sent = sent.then(() => sendPart(id, n, e.data));
    };
    rec.onstop = () => { sent = sent.then(() => finish(id)); };
    rec.start(2000);
    recorder = { rec, timer };
  }
  function stopRecorder() {
    clearInterval(recorder.timer);
    recorder.rec.stop();
    recorder = null;
  }
  async function sendPart(id, n, blob) {
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        const r = await fetch(cfg.recordingUrl + id + "/parts/" + n + "/", {
          method: "POST", body: blob, headers: { "X-CSRFToken": csrf, "Content-Type": "application/octet-stream" },
        });
        if (r.ok) return;
        flash((await r.json()).reason, "danger");
        return;
      } catch (e) {
        await new Promise((done) => setTimeout(done, 1000 * attempt));
      }
    }
    flash(T.offlineRetry, "danger");
  }
  async function finish(id) {
    const r = await fetch(cfg.recordingUrl + id + "/", { method: "POST", headers: { "X-CSRFToken": csrf } });
    const answer = await r.json();
    flash(r.ok ? T.recordingStored.replace("%s", answer.sha256) : answer.reason, r.ok ? "success" : "danger");
    $("#room-flash").dataset.testid = r.ok ? "recording-stored" : "recording-refused";
  }

  // --- the connection ---
  function handle(message) {
    if (message.type === "state") onState(message);
    else if (message.type === "signal") onSignal(message.from, message.data).catch((e) => console.error(e));
    else if (message.type === "chat") addChat(message);
    else if (message.type === "error") flash(message.reason);
    else if (message.type === "mute") {
      local.getAudioTracks().forEach((t) => (t.enabled = false));
      $("#toggle-mic").setAttribute("aria-pressed", "true");
      flash(T.mutedByHost);
    } else if (message.type === "refused") {
      over = true;
      status(message.reason, "danger");
      leave();
    }
  }
  function leave() {
    for (const seat of [...pcs.keys()]) dropPeer(seat);
    if (recorder) stopRecorder();
  }
  function connect() {
    ws = new WebSocket(cfg.signalling);
    ws.onopen = () => send({ type: "hello", ticket });
    ws.onmessage = (e) => handle(JSON.parse(e.data));
    ws.onclose = () => {
      leave();
      if (over) return;
      status(T.reconnecting, "warning");
      setTimeout(reconnect, 2000);
    };
  }
  async function reconnect() {
    try {
      const r = await fetch(cfg.ticketUrl, { method: "POST", headers: { "X-CSRFToken": csrf } });
      const answer = await r.json();
      if (!r.ok) {
        over = true;
        status(answer.reason, "danger");
        return;
      }
      ticket = answer.ticket;
      connect();
    } catch (e) {
      status(T.offlineRetry, "warning");
      setTimeout(reconnect, 5000);
    }
  }
  function addChat(line) {
    const li = document.createElement("li");
    li.textContent = (line.private ? T.privateMark : "") + line.author + "：" + line.text;
    $("#chat-lines").append(li);
  }

  // --- poor bandwidth: audio only ---
  function setAudioOnly(on) {
    audioOnly = on;
    for (const pc of pcs.values()) {
      for (const sender of pc.getSenders()) {
        if (sender.track && sender.track.kind === "video" && on) sender.replaceTrack(null);
      }
      if (!on) {
        const track = local.getVideoTracks()[0];
        pc.getTransceivers().forEach((t) => { if (t.receiver.track.kind === "video" && track) t.sender.replaceTrack(track); });
      }
    }
    $("#toggle-audio-only").setAttribute("aria-pressed", String(on));
  }
  setInterval(async () => {
    let limited = false;
    for (const pc of pcs.values()) {
      (await pc.getStats()).forEach((r) => { if (r.type === "outbound-rtp" && r.kind === "video" && r.qualityLimitationReason === "bandwidth") limited = true; });
    }
    poorChecks = limited ? poorChecks + 1 : 0;
    if (poorChecks >= 3 && !audioOnly) {
      setAudioOnly(true);
      flash(T.poorNetwork);
    }
  }, 5000);

  // What the tests (and an operator's console) read: bytes received per kind over every connection.
  window.sutiaoRoom = {
    async received() {
      const out = { audio: 0, video: 0 };
      for (const pc of pcs.values()) {
        (await pc.getStats()).forEach((r) => { if (r.type === "inbound-rtp") out[r.kind] += r.bytesReceived || 0; });
      }
      return out;
    },
    peers: () => [...pcs.keys()],
    state: () => state,
  };

  // --- the page's buttons ---
  $("#toggle-mic").addEventListener("click", (e) => {
    const off = e.currentTarget.getAttribute("aria-pressed") !== "true";
    local.getAudioTracks().forEach((t) => (t.enabled = !off));
    e.currentTarget.setAttribute("aria-pressed", String(off));
  });
  $("#toggle-camera").addEventListener("click", (e) => {
    const off = e.currentTarget.getAttribute("aria-pressed") !== "true";
    local.getVideoTracks().forEach((t) => (t.enabled = !off));
    e.currentTarget.setAttribute("aria-pressed", String(off));
  });
  $("#toggle-audio-only").addEventListener("click", () => setAudioOnly(!audioOnly));
  $("#share-screen").addEventListener("click", async () => {
    try {
      screen = await navigator.mediaDevices.getDisplayMedia({ video: true });
    } catch (e) {
      flash(T.shareFailed);
      return;
    }
    const track = screen.getVideoTracks()[0];
    const back = () => { const cam = local.getVideoTracks()[0] || null; for (const pc of pcs.values()) pc.getSenders().forEach((s) => { if (s.track === track) s.replaceTrack(cam); }); };
    for (const pc of pcs.values()) pc.getSenders().forEach((s) => { if (s.track && s.track.kind === "video") s.replaceTrack(track); });
    track.addEventListener("ended", back);
  });
  $("#consent").addEventListener("click", () => send({ type: "control", op: "consent" }));
  const start = $("#record-start"), stop = $("#record-stop");
  if (start) start.addEventListener("click", () => { audioContext = audioContext || new AudioContext(); send({ type: "control", op: "record_start" }); });
  if (stop) stop.addEventListener("click", () => send({ type: "control", op: "record_stop" }));
  const recordForm = $("#record-form"); // the mediator drafts the record while the session runs
  if (recordForm) {
    recordForm.addEventListener("submit", async (e) => {
      e.preventDefault();
      // The workspace answers a saved record with a redirect, a refused one with the page and its errors.
      const r = await fetch(recordForm.action, { method: "POST", body: new FormData(recordForm), redirect: "manual" });
      const saved = r.type === "opaqueredirect";
      flash(saved ? T.recordSaved : T.recordRefused, saved ? "success" : "danger");
    });
  }
  const chatForm = $("#chat-form"); // a guest (judge, interpreter) speaks, and does not write into the case
  if (chatForm) {
    chatForm.addEventListener("submit", (e) => {
      e.preventDefault();
      const input = $("#chat-input");
      if (input.value.trim()) send({ type: "chat", text: input.value });
      input.value = "";
    });
  }
  $("#leave").addEventListener("click", () => {
    over = true;
    if (ws) ws.close();
    local.getTracks().forEach((t) => t.stop());
    window.location.href = cfg.back;
  });

  status(T.connecting);
  startMedia().then(connect);
})();
