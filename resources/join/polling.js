// Polling (short and long): ask for what is newer than the last item seen, again and again.
async function poll(path, pause) {
  let since = 0;
  for (;;) {
    try {
      const answer = await fetch(joinUrl(path, { since }), { cache: "no-store" });
      if (answer.status === 200) {
        const page = await answer.json();
        if (page.gap) log("missed items " + page.gap.from + "–" + page.gap.to);
        for (const item of page.items) received("item " + item.id + ": " + item.data);
        since = page.next; // the cursor to ask with next
        if (page.more) continue;
      } else if (answer.status === 204) {
        log("nothing new");
      } else {
        log("answer " + answer.status + ": " + (await answer.text()));
        await wait(2000);
      }
    } catch (error) {
      log("request failed: " + error.message);
      await wait(2000);
    }
    await wait(pause);
  }
}
