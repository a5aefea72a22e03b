// Is it worry time now? Worry time is "HH:MM" local, lasting `minutes`.

export function isWorryTime(worryTime: string | undefined, minutes: number, now = new Date()): boolean {
  if (!worryTime || !/^\d{2}:\d{2}$/.test(worryTime)) return false;
  const [h, m] = worryTime.split(':').map(Number);
  const startMin = h * 60 + m;
  const nowMin = now.getHours() * 60 + now.getMinutes();
  return nowMin >= startMin && nowMin < startMin + minutes;
}
