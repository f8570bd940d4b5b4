import { Injectable } from '@nestjs/common';

/** Whether the service is shutting down: readiness fails from the first moment, so balancers stop sending. */
@Injectable()
export class ShutdownStateService {
  stopping = false;
}
