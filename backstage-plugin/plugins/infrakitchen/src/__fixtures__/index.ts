/**
 * Payloads recorded from a running InfraKitchen (`infrakitchen demo`): its demo resource, provisioned once,
 * over REST, and the events of that provisioning (`GET /events?after=0&entity_ref=...`, without run.log).
 */
import type {
  AuditEntry,
  EventsPage,
  Resource,
  ResourceActions,
  Run,
  RunLog,
  Template,
  TemplateVersion,
} from '../api/types';
import resources from './resources.json';
import actions from './actions.json';
import runs from './runs.json';
import templates from './templates.json';
import versions from './versions.json';
import audit from './audit.json';
import logs from './logs.json';
import events from './events.json';
import error422 from './error-422.json';
import error401 from './error-401.json';

export const fixtureResource = resources[0] as Resource;
export const fixtureActions = actions as ResourceActions;
export const fixtureRuns = runs as Run[];
export const fixtureTemplates = templates as Template[];
export const fixtureVersions = versions as TemplateVersion[];
export const fixtureAudit = audit as AuditEntry[];
export const fixtureLogs = logs as RunLog;
/** resource.created, resource.updated (queued, in_progress, done), run.queued / started / finished. */
export const fixtureEvents = (events as EventsPage).events;
export const fixtureError422 = error422;
export const fixtureError401 = error401;
