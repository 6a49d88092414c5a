import { data } from "react-router";

/** Unknown URLs: a real 404 rendered by the layout's error page. */
export function loader() {
  throw data({ message: "Page introuvable" }, { status: 404 });
}

export default function NotFound() {
  return null;
}
