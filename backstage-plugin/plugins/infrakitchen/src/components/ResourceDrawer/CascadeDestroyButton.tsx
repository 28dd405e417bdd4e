import { Button } from '@material-ui/core';
import { useState } from 'react';
import type { Operation, Resource } from '../../api/types';
import { CascadeDestroyDialog } from './CascadeDestroyDialog';

/** "Cascade destroy": opens the dialog that reads the plan and, once confirmed, starts the operation. */
export function CascadeDestroyButton(props: {
  resource: Resource;
  disabled?: boolean;
  onStarted(operation: Operation): void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="outlined" color="secondary" disabled={props.disabled} onClick={() => setOpen(true)}>
        Cascade destroy
      </Button>
      {open && (
        <CascadeDestroyDialog
          resource={props.resource}
          onCancel={() => setOpen(false)}
          onStarted={operation => {
            setOpen(false);
            props.onStarted(operation);
          }}
        />
      )}
    </>
  );
}
