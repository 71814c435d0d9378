/* The public filing page's proof of work, and the acknowledgement's print button.
 *
 * The form names its challenge URL (data-challenge). This fetches a signed challenge, finds a
 * nonce such that SHA-256("<challenge>:<nonce>") starts with `bits` zero bits (crypto.subtle),
 * puts both in the form's hidden fields and enables the submit button; it fetches and solves
 * a fresh challenge shortly before the one in hand expires. Without JavaScript the fields stay
 * empty and the server refuses the filing with words saying why. No inline script (CSP).
 */
(function () {
  "use strict";
  var BATCH = 256;

  function zeroBits(bytes) {
    var bits = 0;
    for (var i = 0; i < bytes.length; i++) {
      var b = bytes[i];
      if (b === 0) { bits += 8; continue; }
      while ((b & 0x80) === 0) { bits++; b <<= 1; }
      break;
    }
    return bits;
  }

  async function find(challenge, bits) {
    var encoder = new TextEncoder();
    for (var start = 0; ; start += BATCH) {
      var tries = [];
      for (var n = start; n < start + BATCH; n++) {
        tries.push(crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + n)));
      }
      var digests = await Promise.all(tries);
      for (var i = 0; i < digests.length; i++) {
        if (zeroBits(new Uint8Array(digests[i])) >= bits) { return String(start + i); }
      }
    }
  }

  async function solve(form) {
    var status = document.getElementById("pow-status");
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    form.elements.challenge.value = "";
    form.elements.nonce.value = "";
    status.textContent = form.dataset.working;
    try {
      var answer = await fetch(form.dataset.challenge, {cache: "no-store",
                                                        credentials: "same-origin"});
      if (!answer.ok) { throw new Error("challenge: " + answer.status); }
      var given = await answer.json();
      var nonce = await find(given.challenge, given.bits);
      form.elements.challenge.value = given.challenge;
      form.elements.nonce.value = nonce;
      status.textContent = form.dataset.done;
      form.dataset.solved = "true";
      var renew = Date.parse(given.expires_at) - Date.now() - 60000;
      if (renew > 0) { setTimeout(function () { solve(form); }, renew); }
    } catch (e) {
      status.textContent = form.dataset.failed;
    }
    button.disabled = false;
  }

  var form = document.querySelector("form[data-challenge]");
  if (form) { solve(form); }

  var print = document.getElementById("print-receipt");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
})();
