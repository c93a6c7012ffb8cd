// The signing page: asks NCALayer (the member's signing client, a local WebSocket) for a
// CMS over the prepared document digest (digested mode) and posts it to the server.
"use strict";
(function () {
  const root = document.getElementById("signing");
  const status = document.getElementById("status");
  const button = document.getElementById("sign-button");
  const doc = root.dataset.doc;
  const token = root.dataset.token;
  const say = (text, state) => { status.textContent = text; status.dataset.state = state || ""; };

  async function post(path, body) {
    const r = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = await r.json();
    if (!r.ok) throw new Error((json.error && json.error.message) || r.statusText);
    return json;
  }

  function ncalayerSign(url, digest) {
    return new Promise((resolve, reject) => {
      let socket;
      try { socket = new WebSocket(url); } catch (e) { reject(e); return; }
      socket.onerror = () => reject(new Error("NCALayer is not running (" + url + ")"));
      socket.onopen = () => socket.send(JSON.stringify({
        module: "kz.gov.pki.knca.basics",
        method: "sign",
        args: {
          allowedStorages: ["PKCS12", "AKKaztokenStore", "AKKZIDCardStore", "AKEToken72KStore"],
          format: "cms",
          data: digest,
          signingParams: { decode: true, encapsulate: false, digested: true, tsaProfile: null },
          signerParams: { extKeyUsageOids: ["1.3.6.1.5.5.7.3.4"] },
          locale: "ru",
        },
      }));
      socket.onmessage = (event) => {
        let msg;
        try { msg = JSON.parse(event.data); } catch (e) { return; }
        if (!("status" in msg)) return;  // NCALayer's greeting (its version)
        socket.close();
        if (msg.status === true && msg.body && msg.body.result) {
          const result = msg.body.result;
          resolve(Array.isArray(result) ? result[0] : result);
        } else {
          reject(new Error(msg.message || msg.code || "NCALayer refused to sign"));
        }
      };
    });
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      say("…", "working");
      const prepared = await post("/sign/" + doc + "/prepare", { token: token });
      const cms = await ncalayerSign(root.dataset.ncalayer, prepared.document_digest);
      const done = await post("/sign/" + doc + "/complete",
        { token: token, session_id: prepared.session_id, cms: cms });
      say("Қол қойылды / Подписано: " + done.status, "signed");
    } catch (e) {
      say(String(e.message || e), "error");
      button.disabled = false;
    }
  });
})();
