import { runConformance } from '../src/suite.js';
import { oracleProvider } from './oracle-backend.js';

runConformance(oracleProvider());
