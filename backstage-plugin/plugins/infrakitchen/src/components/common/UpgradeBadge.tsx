import { Chip, Tooltip } from '@material-ui/core';
import { asUpgrade } from '../../api/payloadFields';
import type { Resource } from '../../api/types';

/**
 * "Upgrade available → <version>" when a newer active version of the resource's template exists
 * (`upgrade_available`); clicking it starts the upgrade (the edit form on that version), when offered.
 */
export function UpgradeBadge(props: {
  resource: Pick<Resource, 'upgrade_available'>;
  onUpgrade?(versionId: string): void;
}) {
  const upgrade = asUpgrade(props.resource.upgrade_available);
  if (!upgrade) return null;
  const { onUpgrade } = props;
  return (
    <Tooltip title={`A newer version of its template: ${upgrade.version}`}>
      <Chip
        size="small"
        color="primary"
        variant="outlined"
        label={`Upgrade available → ${upgrade.version}`}
        data-testid="upgrade-available"
        clickable={Boolean(onUpgrade)}
        onClick={onUpgrade ? () => onUpgrade(upgrade.version_id) : undefined}
      />
    </Tooltip>
  );
}
