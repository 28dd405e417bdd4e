import { Button, Typography } from '@material-ui/core';
import { WarningPanel } from '@backstage/core-components';
import { isInfraKitchenError } from '../../api';

/** What a person can do about an error, by HTTP status. */
export function describeError(error: Error): { title: string; detail: string; canRetry: boolean } {
  const status = isInfraKitchenError(error) ? error.statusCode : undefined;
  const said = isInfraKitchenError(error) && error.serviceMessage ? ` (${error.serviceMessage})` : '';
  switch (status) {
    case 401:
      return {
        title: 'Not signed in to InfraKitchen',
        detail:
          `InfraKitchen did not accept your Backstage credentials${said}. Sign in again; if it keeps ` +
          'happening, the Backstage proxy must forward them (credentials: forward) and InfraKitchen must ' +
          'trust this Backstage (BACKSTAGE_BASE_URL).',
        canRetry: true,
      };
    case 403:
      return {
        title: 'Not allowed',
        detail:
          `Your InfraKitchen role does not allow this${said}. Ask a platform engineer for access, or ` +
          'for ownership of the resource through one of your groups.',
        canRetry: false,
      };
    case 404:
      return { title: 'Not found', detail: `InfraKitchen has no such item${said}.`, canRetry: true };
    case 409:
      return {
        title: 'Not possible right now',
        detail: isInfraKitchenError(error) && error.serviceMessage ? error.serviceMessage : error.message,
        canRetry: true,
      };
    case 0:
    case 502:
    case 503:
    case 504:
      return {
        title: 'InfraKitchen is unavailable',
        detail: `The service could not be reached or is not ready${said}. Try again in a moment.`,
        canRetry: true,
      };
    default:
      return { title: 'Something went wrong', detail: error.message, canRetry: true };
  }
}

/** A readable error with a retry button where retrying can help. */
export function ErrorState(props: { error: Error; onRetry?: () => void }) {
  const { title, detail, canRetry } = describeError(props.error);
  return (
    <WarningPanel severity="error" title={title} defaultExpanded>
      <Typography variant="body2" paragraph>
        {detail}
      </Typography>
      {canRetry && props.onRetry && (
        <Button variant="outlined" onClick={props.onRetry}>
          Retry
        </Button>
      )}
    </WarningPanel>
  );
}
