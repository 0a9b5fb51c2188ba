/* Phone-in: Ctrl+Enter (or Cmd+Enter) saves from any field. */
(function () {
  "use strict";
  document.getElementById("phone-in").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); this.requestSubmit(); }
  });
})();
