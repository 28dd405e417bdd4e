/** Payloads recorded from a running InfraKitchen (`infrakitchen demo`). */
import type {
  AuditEntry,
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
import error422 from './error-422.json';
import error401 from './error-401.json';

export const fixtureResource = resources[0] as Resource;
export const fixtureActions = actions as ResourceActions;
export const fixtureRuns = runs as Run[];
export const fixtureTemplates = templates as Template[];
export const fixtureVersions = versions as TemplateVersion[];
export const fixtureAudit = audit as AuditEntry[];
export const fixtureLogs = logs as RunLog;
export const fixtureError422 = error422;
export const fixtureError401 = error401;
