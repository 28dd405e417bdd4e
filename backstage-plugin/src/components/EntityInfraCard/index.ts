export { EntityInfraCard } from './EntityInfraCard';
