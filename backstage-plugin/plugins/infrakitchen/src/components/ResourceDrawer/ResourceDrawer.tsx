import {
  Box,
  Button,
  Drawer,
  IconButton,
  Typography,
  makeStyles,
} from '@material-ui/core';
import CloseIcon from '@material-ui/icons/Close';
import { Progress } from '@backstage/core-components';
import { type ReactNode, useEffect, useState } from 'react';
import { asIds, asOutputs, asText, asVariables } from '../../api/payloadFields';
import type { Resource, ResourceAction, ResourceChange } from '../../api/types';
import type { LiveQuery } from '../../hooks/useLiveQuery';
import { mayDecide, useMe } from '../../hooks/useMe';
import { useResourceChanges } from '../../hooks/useResourceChanges';
import { useResourceDetails } from '../../hooks/useResourceDetails';
import { isActiveOperation, useResourceOperation } from '../../hooks/useResourceOperation';
import { type ResourceRelations, useResourceRelations } from '../../hooks/useResourceRelations';
import { useTemplate } from '../../hooks/useTemplates';
import { ChangeHistory, ChangePanel, ChangeRequested } from '../ChangeRequest';
import { ErrorState, RelativeTime, StatusChip, UpgradeBadge } from '../common';
import type { DrawerParams } from '../common/useDrawerParams';
import { EditResourceDialog } from '../EditResource';
import { isEditable } from '../EditResource/editForm';
import { ActionBar } from './ActionBar';
import { AuditTrail } from './AuditTrail';
import { CascadeDestroyButton } from './CascadeDestroyButton';
import { KeyValueTable } from './KeyValueTable';
import { OperationProgress } from './OperationProgress';
import { RelatedResources } from './RelatedResources';
import { ApprovalNotice, ParentOutputsChangedNotice, PendingNotice } from './ResourceNotices';
import { RunHistory } from './RunHistory';

const useStyles = makeStyles(theme => ({
  paper: { width: 'min(900px, 100vw)', padding: theme.spacing(3) },
  section: { marginTop: theme.spacing(3) },
}));

function Section(props: { title: string; children: ReactNode }) {
  const classes = useStyles();
  return (
    <Box className={classes.section} component="section" aria-label={props.title}>
      <Typography variant="h6" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

/** Acting on the resource (not only deciding on it): the service lists such an action for this caller. */
function mayAct(actions: ResourceAction[]): boolean {
  return actions.some(a => a !== 'approve' && a !== 'reject');
}

/** What the resource builds on and what is built on it, each a link to its own drawer. */
function Relations(props: {
  resource: Resource;
  relations: LiveQuery<ResourceRelations>;
  onSelectResource(resourceId: string): void;
}) {
  const { relations } = props;
  const r = relations.value;
  const hasParents = asIds(props.resource.parent_ids).length > 0;
  if (relations.error && !r) {
    return (
      <Section title="Builds on / used by">
        <ErrorState error={relations.error} onRetry={relations.retry} />
      </Section>
    );
  }
  if (!r) return null;
  return (
    <>
      {hasParents && (
        <Section title="Builds on">
          <RelatedResources
            label="builds on"
            nodes={r.parents}
            hidden={r.hiddenParents}
            empty="Nothing."
            onOpen={props.onSelectResource}
          />
        </Section>
      )}
      {r.children.length > 0 && (
        <Section title="Used by">
          <RelatedResources
            label="used by"
            nodes={r.children}
            empty="Nothing builds on it."
            onOpen={props.onSelectResource}
          />
        </Section>
      )}
    </>
  );
}

/**
 * One resource: actions (Edit among them), its change request and past changes, what it builds on and what
 * uses it, variables, outputs, runs with a live log, audit trail. Its open state belongs to the caller (the
 * URL), so live updates and refreshes re-render it without closing it.
 */
export function ResourceDrawer(props: {
  resourceId: string;
  runId?: string;
  /** Open the edit form on this version once the resource is read (an upgrade asked for from a table row). */
  upgradeTo?: string;
  /** The upgrade asked for was taken up (the form opened, or it cannot be). */
  onUpgradeOpened?(): void;
  onSelectRun(runId: string): void;
  /** Open another resource's drawer (a parent or child linked from this one), at one of its runs. */
  onSelectResource(resourceId: string, runId?: string): void;
  onClose(): void;
}) {
  const classes = useStyles();
  const details = useResourceDetails(props.resourceId);
  const d = details.value;
  const shown = d && !d.deleted ? d.resource : undefined;
  const relations = useResourceRelations(shown);
  // A cascade destroy of this resource: the one started here, or one already under way when it opened.
  const operation = useResourceOperation(props.resourceId, details.refresh);
  const standing = relations.value?.children.filter(c => c.state !== 'destroyed') ?? [];
  const canCascade = Boolean(shown && d?.actions.includes('destroy') && standing.length);
  const changes = useResourceChanges(props.resourceId, d?.runs ?? [], details.refresh);
  const canAct = Boolean(d && mayAct(d.actions));
  const canEdit = Boolean(shown && canAct && isEditable(shown));
  // Who may approve or reject its change: the caller, and the template's approver group.
  const me = useMe();
  const template = useTemplate(shown?.template_id);
  const canDecide = Boolean(
    changes.current && mayDecide(me.value, template.value, changes.current),
  );
  // The edit form, on the resource's version or (an upgrade) another one.
  const [editing, setEditing] = useState<{ versionId?: string }>();
  // The change just asked for from the edit form: its notice shows until dismissed, or until the change is
  // no longer the resource's open one (applied, rejected, superseded).
  const [requested, setRequested] = useState<ResourceChange>();
  useEffect(() => {
    setRequested(undefined);
    setEditing(undefined);
  }, [props.resourceId]);
  const { upgradeTo, onUpgradeOpened } = props;
  const loaded = d !== undefined;
  useEffect(() => {
    if (!upgradeTo || !loaded) return;
    if (canEdit) setEditing({ versionId: upgradeTo });
    onUpgradeOpened?.();
  }, [upgradeTo, loaded, canEdit, onUpgradeOpened]);
  const extras = [
    canEdit && (
      <Button key="edit" variant="outlined" color="primary" onClick={() => setEditing({})}>
        Edit
      </Button>
    ),
    canCascade && d && (
      <CascadeDestroyButton
        key="cascade"
        resource={d.resource}
        disabled={isActiveOperation(operation.operation)}
        onStarted={operation.track}
      />
    ),
  ].filter(Boolean);
  return (
    <Drawer anchor="right" open onClose={props.onClose} classes={{ paper: classes.paper }}>
      <Box display="flex" alignItems="center" justifyContent="space-between">
        <Typography variant="h5" component="h2">
          {d ? d.resource.name : 'Resource'}
        </Typography>
        <IconButton aria-label="Close" onClick={props.onClose}>
          <CloseIcon />
        </IconButton>
      </Box>
      {details.loading && !d && <Progress />}
      {details.error && !d && <ErrorState error={details.error} onRetry={details.retry} />}
      {d && (
        <Box role="region" aria-label="resource details">
          <Typography variant="body2" color="textSecondary" component="div">
            {d.resource.state} · <StatusChip status={d.resource.status} /> · owner {d.resource.owner}{' '}
            · changed <RelativeTime value={d.resource.updated_at} />
            {d.resource.entity_ref ? ` · ${d.resource.entity_ref}` : ''} ·{' '}
            <span data-testid="template-version">
              {asText(d.resource.template_name)}@{asText(d.resource.template_version)}
            </span>{' '}
            <UpgradeBadge
              resource={d.resource}
              onUpgrade={canEdit ? versionId => setEditing({ versionId }) : undefined}
            />
          </Typography>
          {d.deleted && (
            <Typography color="error">This resource has been deleted.</Typography>
          )}
          {d.resource.status === 'pending' && !d.deleted && <PendingNotice resource={d.resource} />}
          {d.resource.parent_outputs_changed && !d.deleted && <ParentOutputsChangedNotice />}
          {!d.deleted && <ApprovalNotice resource={d.resource} />}
          <Section title="Actions">
            <ActionBar
              resource={d.resource}
              actions={d.actions}
              runs={d.runs}
              onDone={action => (action === 'delete' ? props.onClose() : details.refresh())}
              onSelectResource={props.onSelectResource}
              extra={extras.length ? extras : undefined}
            />
          </Section>
          {requested && (requested.status === 'applied' || requested.id === changes.current?.id) && (
            <ChangeRequested change={requested} onClose={() => setRequested(undefined)} />
          )}
          {changes.error && (
            <Section title="Change">
              <ErrorState error={changes.error} onRetry={changes.retry} />
            </Section>
          )}
          {changes.current && (
            <Section title="Change">
              <ChangePanel
                change={changes.current}
                runs={d.runs}
                canAct={canAct}
                canDecide={canDecide}
                pending={changes.pending}
                error={changes.actionError}
                onCommand={changes.act}
                onSelectRun={props.onSelectRun}
              />
            </Section>
          )}
          {changes.past.length > 0 && (
            <Section title="Past changes">
              <ChangeHistory changes={changes.past} runs={d.runs} onSelectRun={props.onSelectRun} />
            </Section>
          )}
          {operation.operation && (
            <Section title="Cascade destroy">
              <OperationProgress
                operation={operation.operation}
                pending={operation.pending}
                error={operation.error}
                onCommand={operation.act}
                onSelectResource={props.onSelectResource}
              />
            </Section>
          )}
          {!d.deleted && (
            <Relations
              resource={d.resource}
              relations={relations}
              onSelectResource={props.onSelectResource}
            />
          )}
          <Section title="Outputs">
            <KeyValueTable kind="outputs" values={asOutputs(d.resource.outputs)} />
          </Section>
          <Section title="Variables">
            <KeyValueTable kind="variables" values={asVariables(d.resource.variables)} />
          </Section>
          <Section title="Runs">
            <RunHistory runs={d.runs} selectedRunId={props.runId} onSelect={props.onSelectRun} />
          </Section>
          <Section title="Audit trail">
            <AuditTrail entries={d.audit} />
          </Section>
        </Box>
      )}
      {editing && shown && (
        <EditResourceDialog
          resource={shown}
          initialVersionId={editing.versionId}
          openChange={changes.current}
          onClose={() => setEditing(undefined)}
          onRequested={change => {
            setEditing(undefined);
            setRequested(change);
            changes.track(change);
            details.refresh();
          }}
        />
      )}
    </Drawer>
  );
}

/** The drawer the URL names (`?resource=<id>&run=<id>`), if it names one. */
export function LinkedResourceDrawer(props: { drawer: DrawerParams }) {
  const { resourceId, runId, upgradeTo, open, close, clearUpgrade } = props.drawer;
  if (!resourceId) return null;
  return (
    <ResourceDrawer
      resourceId={resourceId}
      runId={runId}
      upgradeTo={upgradeTo}
      onUpgradeOpened={clearUpgrade}
      onSelectRun={run => open(resourceId, run)}
      onSelectResource={(resource, run) => open(resource, run)}
      onClose={close}
    />
  );
}
