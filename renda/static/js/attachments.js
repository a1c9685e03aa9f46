// Attachments of the opinion forms: say at once, before anything is sent, when too many files
// are chosen or one is too big, and clear the choice. The server checks everything again; this
// only spares a citizen on a slow phone connection the upload of a file that will be refused.
(function () {
  "use strict";

  function check(input) {
    var message = document.getElementById(input.id + "_client");
    if (!message) {
      return;
    }
    var maxCount = parseInt(input.dataset.maxCount, 10);
    var maxBytes = parseInt(input.dataset.maxBytes, 10);
    var problem = "";
    if (maxCount && input.files.length > maxCount) {
      problem = message.dataset.messageCount;
    } else {
      for (var i = 0; i < input.files.length; i += 1) {
        if (maxBytes && input.files[i].size > maxBytes) {
          problem = message.dataset.messageSize.replace("{name}", input.files[i].name);
          break;
        }
      }
    }
    message.textContent = problem;
    message.hidden = !problem;
    if (problem) {
      input.value = "";
    }
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.type === "file" && input.dataset.maxBytes) {
      check(input);
    }
  });
})();
