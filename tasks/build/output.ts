// What a build task produces: the image as tag tasks and `${runtime.images...}` references read it.
import { hasStrings, isStringList, type JsonObject } from '../../core/json.ts';

/** `data` of a build task's output. */
export interface BuiltImage extends JsonObject {
  /** Image name in `images:`. */
  name: string;
  /** Repository, e.g. `127.0.0.1:5000/shop/api`. */
  image: string;
  /** The tag the build produced (the first of `tags`). */
  tag: string;
  /** Every tag the build applied, the primary first. */
  tags: string[];
  /** Engine image id (`sha256:...`), empty for custom builders that do not report one. */
  imageId: string;
  /** True when the image was not built here but found in the registry under its content-addressed tag. */
  fromRegistry?: boolean;
}

/** True when `data` is a build output. */
export function isBuiltImage(data: JsonObject): data is BuiltImage {
  const fromRegistry = data['fromRegistry'];
  return (
    hasStrings(data, 'name', 'image', 'tag', 'imageId') &&
    isStringList(data['tags']) &&
    (fromRegistry === undefined || typeof fromRegistry === 'boolean')
  );
}
