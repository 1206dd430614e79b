// Request-response: ask for one piece of work at a time and wait for each answer.
async function start() {
  for (let job = 1; ; ++job) {
    try {
      const answer = await fetch(joinUrl("/work/" + job), { cache: "no-store" });
      if (answer.ok) {
        const result = await answer.json();
        received("job " + result.job + ": " + result.result + " after " + result.processingMs + " ms");
      } else {
        log("answer " + answer.status + ": " + (await answer.text()));
      }
    } catch (error) {
      log("request failed: " + error.message);
    }
    await wait(2000);
  }
}
