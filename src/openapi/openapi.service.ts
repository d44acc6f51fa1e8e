import { Injectable, type INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { internalApiDocument } from './openapi-document';

/**
 * The document served at GET /internal/openapi.json, built from the running application on the first request
 * (not at start: reading every route's metadata is work the start does not need).
 */
@Injectable()
export class OpenApiDocument {
  private app?: INestApplication;
  private document?: OpenAPIObject;

  /** Called once by createApp() with the application the document describes. */
  describe(app: INestApplication): void {
    this.app = app;
  }

  get(): OpenAPIObject {
    if (!this.app) throw new Error('OpenApiDocument.describe(app) was not called');
    this.document ??= internalApiDocument(this.app);
    return this.document;
  }
}
