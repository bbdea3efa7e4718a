import { run } from '../engine.js'
import { runAction } from './run-action.js'

// runAction reports every failure through setFailed and never rejects.
void runAction({ run })
