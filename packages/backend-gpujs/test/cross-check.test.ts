import { crossCheck } from './cross-check.js';

crossCheck('cpu');
crossCheck('webasm');
