import { Button, Table, TableBody, TableCell, TableHead, TableRow } from '@material-ui/core';
import { Progress } from '@backstage/core-components';
import { useTemplates } from '../../hooks/useTemplates';
import { ErrorState, RelativeTime } from '../common';
import { VersionLifecycles } from './VersionLifecycles';

/** Templates a resource can be created from (deprecated ones hidden), each version with its lifecycle. */
export function TemplateCatalog(props: { onCreate(templateId: string): void }) {
  const templates = useTemplates();
  if (templates.loading) return <Progress />;
  if (templates.error) return <ErrorState error={templates.error} onRetry={templates.retry} />;
  return (
    <Table size="small" aria-label="templates">
      <TableHead>
        <TableRow>
          <TableCell>Template</TableCell>
          <TableCell>Description</TableCell>
          <TableCell>Versions</TableCell>
          <TableCell>Approval</TableCell>
          <TableCell>Added</TableCell>
          <TableCell />
        </TableRow>
      </TableHead>
      <TableBody>
        {(templates.value ?? []).map(t => (
          <TableRow key={t.id} data-testid={`template-row-${t.name}`}>
            <TableCell>{t.name}</TableCell>
            <TableCell>{t.description}</TableCell>
            <TableCell>
              <VersionLifecycles templateId={t.id} />
            </TableCell>
            <TableCell>{t.requires_approval ? 'required' : 'not needed'}</TableCell>
            <TableCell>
              <RelativeTime value={t.created_at} />
            </TableCell>
            <TableCell>
              <Button size="small" color="primary" onClick={() => props.onCreate(t.id)}>
                Create from {t.name}
              </Button>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
