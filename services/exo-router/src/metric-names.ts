export const metricNames = {
  requestDuration: 'gen_ai.server.request.duration',
  timeToFirstToken: 'gen_ai.server.time_to_first_token',
  timePerOutputToken: 'gen_ai.server.time_per_output_token',
  tokenUsage: 'gen_ai.client.token.usage',
  requestsInFlight: 'exo_router.requests.in_flight',
  modelLoadDuration: 'exo_router.model.load.duration',
  modelLoads: 'exo_router.model.loads',
  modelEvictions: 'exo_router.model.evictions',
  modelsLoaded: 'exo_router.models.loaded',
  queueWait: 'exo_router.queue.wait',
} as const;
