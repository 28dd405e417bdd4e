import { Box, Chip, Typography } from '@material-ui/core';
import type { TemplateLifecycle } from '../../api/types';
import { useTemplateVersions } from '../../hooks/useTemplates';

const COLORS: Record<TemplateLifecycle, 'primary' | 'default' | 'secondary'> = {
  preview: 'secondary',
  active: 'primary',
  deprecated: 'default',
  archived: 'default',
};

/** A template's versions, newest first, each with its lifecycle as a chip. */
export function VersionLifecycles(props: { templateId: string }) {
  const versions = useTemplateVersions(props.templateId, { all: true });
  if (versions.error) {
    return (
      <Typography variant="body2" color="textSecondary">
        versions unavailable
      </Typography>
    );
  }
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 4 }} aria-label="versions">
      {(versions.value ?? []).map(v => (
        <Chip
          key={v.id}
          size="small"
          variant={v.lifecycle === 'active' ? 'default' : 'outlined'}
          color={COLORS[v.lifecycle] ?? 'default'}
          label={`${v.version} · ${v.lifecycle}`}
          data-testid={`lifecycle-${v.version}`}
        />
      ))}
    </Box>
  );
}
