// Development only: mounts the app on the in-memory backend with a little sample data.

import { mount } from 'svelte';
import '../app.css';
import App from '../App.svelte';
import { applyTheme, savedTheme } from '../lib/theme';
import { fakeBackend, seed } from './backend';

const params = new URLSearchParams(location.search);
const be = fakeBackend({ exists: !params.has('first-run'), today: '2024-03-05' });
be.override.hours_per_week = () => [
  ['2024-02-12', 8],
  ['2024-02-19', 14.5],
  ['2024-02-26', 22],
  ['2024-03-04', 6],
];
be.override.due_contacts = () => [...(be.records.get('contact')?.values() ?? [])].filter((c) => c.tie !== 'often');

seed(be, 'profile', [
  {
    id: 'profile',
    setback: 'let_go',
    happened_on: '2024-02-01',
    back_by: '2024-06-01',
    what_happened: 'Let go in a reorg',
    grief_ends_on: '2024-03-10',
    worry_time: '18:30',
    worry_minutes: 15,
    announcement: '',
  },
]);
seed(be, 'entry', [
  { id: 'e1', date: '2024-03-03', text: 'Slept badly. Walked by the river.', mood: 2, tags: ['sleep'], created_ms: 1 },
  { id: 'e2', date: '2024-03-04', text: 'Called Sam, felt a bit better.', mood: 2, tags: ['network'], created_ms: 2 },
  { id: 'e3', date: '2024-03-05', text: 'Rough morning, but I wrote the debrief intent.', mood: 2, tags: [], created_ms: 3 },
]);
seed(be, 'contact', [
  { id: 'c1', name: 'Priya Singh', how_known: 'old team', tie: 'rarely', notes: '' },
  { id: 'c2', name: 'Sam Lee', how_known: 'neighbour', tie: 'often', last_contact: '2024-03-04', notes: '' },
  { id: 'c3', name: 'Maria Gomez', how_known: 'meetup', tie: 'occasionally', notes: '' },
]);
seed(be, 'project', [
  { id: 'p1', name: 'Open-source CLI', weekly_target_hours: 20, notes: '', started_on: '2024-02-12', archived: false },
]);
seed(be, 'timelog', [{ id: 't1', project_id: 'p1', date: '2024-03-04', hours: 6, note: 'parser' }]);
seed(be, 'win', [
  { id: 'w1', date: '2023-03-05', title: 'Shipped the billing rewrite', category: 'projects', text: 'On time, no outage.' },
]);
seed(be, 'item', [
  { id: 'i1', kind: 'job', title: 'Data engineer', org: 'Northwind', stage: 'applied', stage_changed_on: '2024-02-10', notes: '', premortem: '' },
  { id: 'i2', kind: 'freelance', title: 'Dashboard gig', org: 'Local bakery', stage: 'interview', stage_changed_on: '2024-03-01', notes: '', premortem: '' },
]);

seed(be, 'debrief', [
  {
    id: 'd1',
    title: 'Leaving Acme',
    setback: 'let_go',
    started_on: '2024-03-02',
    step: (params.get('step') as string) ?? 'why_tree',
    unload: 'It all went so fast.',
    intent: 'Ship the data platform by June.',
    success_measure: 'Teams using it.',
    timeline: [
      { id: 't1', date: '2023-06-01', fact: 'Reorg announced' },
      { id: 't2', fact: 'Project paused', entry_id: 'e1' },
    ],
    questions: [
      { id: 'q1', question: 'Were the goals too high?', rating: 3, evidence: '' },
      { id: 'q2', question: 'Was the time used well?', evidence: '' },
    ],
    why_tree: [
      { id: 'a', cause: 'Budget cut across the division', control: 'outside', evidence: 'All-hands slides' },
      { id: 'b', parent: 'a', cause: 'My project was seen as optional', control: 'partly', evidence: '' },
      { id: 'c', cause: 'I did not share progress widely', control: 'within', evidence: 'No demos in Q2' },
    ],
    hot_thought: { thought: "I'm unemployable", before: 85 },
    keep: '',
    change: '',
    lessons: [{ id: 'l1', lesson: 'Show the work', action: 'Demo monthly', due: '2024-04-01', success_test: 'three demos' }],
    close: { feeling: '', others_too: '', kind_word: '' },
    completed: false,
  },
]);

applyTheme(savedTheme());
const target = document.getElementById('app');
if (target) mount(App, { target });
