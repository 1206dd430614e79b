// Request-callback: a browser can send jobs, but it cannot be the callback's server. Each job is answered
// 202 Accepted here; the result goes to the callback URL, which only a program that listens can take.
async function start() {
  status("Joined as " + studentName + ". A browser cannot receive callbacks: your jobs are accepted (202), " +
    "and the server's callback to you fails and is retried, which the diagram shows.");
  for (let job = 1; ; ++job) {
    try {
      const answer = await fetch(joinUrl("/jobs"), { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ callbackUrl: "http://127.0.0.1:9/callbacks/" + encodeURIComponent(studentName) + "/" + job,
          work: "job " + job + " from " + studentName }) });
      const text = await answer.text();
      if (answer.status === 202) received("job " + job + " accepted: " + text);
      else log("answer " + answer.status + ": " + text);
    } catch (error) {
      log("request failed: " + error.message);
    }
    await wait(5000);
  }
}
