export { ResourceTable } from './ResourceTable';
export type { ResourceTableProps } from './ResourceTable';
