/** The records of a project's tabs, and the URL collection each lives under. */
export const recordCollections = {
  page: 'pages',
  task: 'tasks',
  batch: 'batches',
  webhook: 'webhooks',
  schedule: 'schedules',
} as const;

export type RecordKind = keyof typeof recordCollections;
