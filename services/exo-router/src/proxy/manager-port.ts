// The ModelManager as the HTTP side sees it (the lifecycle module implements it).
export type {
  AcquireOptions,
  KeepAlive,
  Lease,
  LoadProgress,
  ModelManager,
  ModelStatus,
} from '../lifecycle/model-manager.ts';
